"""referral queue (one open per member, urgency, outcome), link requests, a contact's verified phone

Revision ID: 0002
Revises: 0001
"""
from typing import Any

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0002'
down_revision = '0005'
branch_labels = None
depends_on = None


def _merge_open_duplicates() -> None:
    """Before the one-open-per-member index: keep each member's newest open referral, fold the others' reasons
    into it and close them (outcome 'merged'), so nothing the bidan has not seen is lost."""
    conn = op.get_bind()
    referral = sa.table('referral', sa.column('id', sa.Integer), sa.column('member_id', sa.Integer),
                        sa.column('reasons', sa.JSON), sa.column('status', sa.String),
                        sa.column('outcome', sa.String))
    rows = conn.execute(sa.select(referral.c.id, referral.c.member_id, referral.c.reasons)
                        .where(referral.c.status == 'open').order_by(referral.c.member_id, referral.c.id)).all()
    by_member: dict[int, list[Any]] = {}
    for row in rows:
        by_member.setdefault(row.member_id, []).append(row)
    for found in by_member.values():
        if len(found) < 2:
            continue
        keep = found[-1]
        reasons: list[str] = []
        for row in found:
            for code in row.reasons or []:
                if code not in reasons:
                    reasons.append(code)
        conn.execute(referral.update().where(referral.c.id == keep.id).values(reasons=reasons))
        conn.execute(referral.update().where(referral.c.id.in_([r.id for r in found[:-1]]))
                     .values(status='handled', outcome='merged'))


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_phone', sa.String(length=20), nullable=True))
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_measurement_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('urgency', sa.String(length=5), nullable=False, server_default='week'))
        batch_op.add_column(sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('urgent_since', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('repeated_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('handled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('outcome_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_referral_handled_by_id_contact'), 'contact', ['handled_by_id'],
                                    ['id'], ondelete='SET NULL')
    _merge_open_duplicates()
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('uq_referral_open_member', ['member_id'], unique=True,
                              sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('link_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('hpht', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_link_request_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['contact.id'], name=op.f('fk_link_request_decided_by_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_link_request_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_link_request_posyandu_id_posyandu')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_request')),
    sa.UniqueConstraint('contact_id', 'member_id', name=op.f('uq_link_request_contact_id_member_id'))
    )
    with op.batch_alter_table('link_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_request_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_request_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_request_posyandu_id'), ['posyandu_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_request_posyandu_id'))
        batch_op.drop_index(batch_op.f('ix_link_request_member_id'))
        batch_op.drop_index(batch_op.f('ix_link_request_contact_id'))
    op.drop_table('link_request')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('uq_referral_open_member')
        batch_op.drop_constraint(batch_op.f('fk_referral_handled_by_id_contact'), type_='foreignkey')
        for column in ('outcome_note', 'outcome', 'handled_by_id', 'repeated_at', 'urgent_since', 'updated_at',
                       'urgency', 'first_measurement_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('verified_phone')
