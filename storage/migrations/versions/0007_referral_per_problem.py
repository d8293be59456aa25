"""referral per member and problem: a `problem` column, open referrals split by problem, the unique index on both

Revision ID: 0007
Revises: 0004
"""
from typing import Any

from alembic import op
import sqlalchemy as sa
import storage.db

from health.problems import by_problem, problem_of


revision = '0007'
down_revision = '0008'
branch_labels = None
depends_on = None

_referral = sa.table(
    'referral', sa.column('id', sa.Integer), sa.column('member_id', sa.Integer), sa.column('problem', sa.String),
    sa.column('measurement_id', sa.Integer), sa.column('first_measurement_id', sa.Integer),
    sa.column('posyandu_id', sa.Integer), sa.column('reasons', sa.JSON), sa.column('urgency', sa.String),
    sa.column('status', sa.String), sa.column('created_at', storage.db.UTCDateTime(timezone=True)),
    sa.column('updated_at', storage.db.UTCDateTime(timezone=True)),
    sa.column('urgent_since', storage.db.UTCDateTime(timezone=True)),
    sa.column('repeated_at', storage.db.UTCDateTime(timezone=True)))
_measurement = sa.table('measurement', sa.column('id', sa.Integer), sa.column('referral_levels', sa.JSON))


def _split_by_problem() -> None:
    """Each referral gets the problem of its reasons; an open one whose reasons span several problems is split
    into one open referral per problem (same dates, the visit's level per problem), so nothing the bidan has not
    seen is lost and each can be closed with its own outcome."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(_referral).order_by(_referral.c.id)).mappings().all()
    for row in rows:
        groups = by_problem(list(row['reasons'] or []))
        if not groups:
            continue
        problems = list(groups)
        if row['status'] != 'open' or len(problems) == 1:
            conn.execute(_referral.update().where(_referral.c.id == row['id']).values(problem=problem_of(
                (row['reasons'] or ['lain'])[0])))
            continue
        levels: dict[str, str] = {}
        if row['measurement_id'] is not None:
            levels = conn.execute(sa.select(_measurement.c.referral_levels)
                                  .where(_measurement.c.id == row['measurement_id'])).scalar() or {}
        for n, problem in enumerate(problems):
            reasons = groups[problem]
            urgency = 'today' if any(levels.get(code) == 'today' for code in reasons) else \
                ('week' if levels else row['urgency'])
            values = dict(problem=problem, reasons=reasons, urgency=urgency,
                          urgent_since=row['urgent_since'] if urgency == 'today' else None,
                          repeated_at=row['repeated_at'] if urgency == 'today' else None)
            if n == 0:
                conn.execute(_referral.update().where(_referral.c.id == row['id']).values(**values))
            else:
                copy = {k: row[k] for k in ('member_id', 'measurement_id', 'first_measurement_id', 'posyandu_id',
                                            'status', 'created_at', 'updated_at')}
                conn.execute(_referral.insert().values(**copy, **values))


def upgrade() -> None:
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem', sa.String(length=20), nullable=False, server_default='lain'))
        batch_op.drop_index('uq_referral_open_member', sqlite_where=sa.text("status = 'open'"),
                            postgresql_where=sa.text("status = 'open'"))
    _split_by_problem()
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('uq_referral_open_problem', ['member_id', 'problem'], unique=True,
                              sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))


def downgrade() -> None:
    """Back to one open referral per member: the newest open one keeps the others' reasons, they close 'merged'."""
    conn = op.get_bind()
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('uq_referral_open_problem', sqlite_where=sa.text("status = 'open'"),
                            postgresql_where=sa.text("status = 'open'"))
    outcome = sa.table('referral', sa.column('id', sa.Integer), sa.column('outcome', sa.String))
    rows = conn.execute(sa.select(_referral.c.id, _referral.c.member_id, _referral.c.reasons, _referral.c.urgency)
                        .where(_referral.c.status == 'open').order_by(_referral.c.member_id, _referral.c.id)).all()
    by_member: dict[int, list[Any]] = {}
    for row in rows:
        by_member.setdefault(row.member_id, []).append(row)
    for found in by_member.values():
        if len(found) < 2:
            continue
        reasons: list[str] = []
        for row in found:
            reasons += [code for code in row.reasons or [] if code not in reasons]
        urgency = 'today' if any(row.urgency == 'today' for row in found) else 'week'
        conn.execute(_referral.update().where(_referral.c.id == found[-1].id).values(reasons=reasons, urgency=urgency))
        conn.execute(_referral.update().where(_referral.c.id.in_([r.id for r in found[:-1]])).values(status='handled'))
        conn.execute(outcome.update().where(outcome.c.id.in_([r.id for r in found[:-1]])).values(outcome='merged'))
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('uq_referral_open_member', ['member_id'], unique=True,
                              sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_column('problem')
