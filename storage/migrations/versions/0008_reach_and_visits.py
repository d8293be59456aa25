"""consent record, resume/pause of a contact, home visits, delivery events

Revision ID: 0008
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0008'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('household') as batch:
        batch.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('consent_method', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('consent_recorded_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('consent_recorded_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_household_consent_recorded_by_id_contact'), 'contact',
                                 ['consent_recorded_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('resumed_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('paused_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('paused_reason', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('fallback_channel', sa.String(length=12), nullable=True))
    op.create_table('home_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_home_visit_posyandu_id_posyandu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_home_visit_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_home_visit_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['contact.id'], name=op.f('fk_home_visit_recorded_by_id_contact'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visit'))
    )
    op.create_index(op.f('ix_home_visit_posyandu_id'), 'home_visit', ['posyandu_id'])
    op.create_index(op.f('ix_home_visit_member_id'), 'home_visit', ['member_id'])
    op.create_index(op.f('ix_home_visit_household_id'), 'home_visit', ['household_id'])
    op.create_table('delivery_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('outbox_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error_code', sa.String(length=20), nullable=True),
    sa.Column('at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_message.id'], name=op.f('fk_delivery_event_outbox_id_outbox_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_delivery_event_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_event'))
    )
    op.create_index(op.f('ix_delivery_event_outbox_id'), 'delivery_event', ['outbox_id'])
    op.create_index(op.f('ix_delivery_event_contact_id'), 'delivery_event', ['contact_id'])


def downgrade() -> None:
    op.drop_table('delivery_event')
    op.drop_table('home_visit')
    with op.batch_alter_table('contact') as batch:
        batch.drop_column('fallback_channel')
        batch.drop_column('paused_reason')
        batch.drop_column('paused_at')
        batch.drop_column('resumed_at')
    with op.batch_alter_table('household') as batch:
        batch.drop_constraint(op.f('fk_household_consent_recorded_by_id_contact'), type_='foreignkey')
        batch.drop_column('consent_recorded_by_id')
        batch.drop_column('consent_recorded_at')
        batch.drop_column('consent_method')
        batch.drop_column('address')
