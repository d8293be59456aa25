"""the web page: one-time login links, browser sessions, and a puskesmas for an admin (its staff)

Revision ID: 0010_web
Revises: 0010_satusehat
"""
from alembic import op
import sqlalchemy as sa

import storage.db

revision = '0010_web'
down_revision = '0010_satusehat'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_login_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_web_login_link_contact_id_contact'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_login_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_login_link_token_hash'))
    )
    op.create_index(op.f('ix_web_login_link_contact_id'), 'web_login_link', ['contact_id'], unique=False)
    op.create_table('web_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_web_session_contact_id_contact'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_session_token_hash'))
    )
    op.create_index(op.f('ix_web_session_contact_id'), 'web_session', ['contact_id'], unique=False)
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('puskesmas_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_contact_puskesmas_id_puskesmas'), 'puskesmas', ['puskesmas_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('contact') as batch:
        batch.drop_constraint(batch.f('fk_contact_puskesmas_id_puskesmas'), type_='foreignkey')
        batch.drop_column('puskesmas_id')
    op.drop_index(op.f('ix_web_session_contact_id'), table_name='web_session')
    op.drop_table('web_session')
    op.drop_index(op.f('ix_web_login_link_contact_id'), table_name='web_login_link')
    op.drop_table('web_login_link')
