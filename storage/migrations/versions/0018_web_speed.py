"""web speed: a covering index of each member's weighings (PostgreSQL), read by the month's recap and the visit list

Revision ID: 0018_web_speed
Revises: 0016_snapshot

Why: a posyandu's recap and its kaders' visit list read every weighing of its members; their rows lie all over
the table (a year of visits, written month by month), so PostgreSQL fetched a thousand heap pages per view
(13-54 ms on the benchmark's kabupaten). With the columns read in the index itself it reads none (1-3 ms).
SQLite has no INCLUDE and keeps the unique (member_id, measured_on) index it already has.
"""
from alembic import op

revision = '0018_web_speed'
down_revision = '0016_snapshot'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_measurement_member_weighings', 'measurement', ['member_id', 'measured_on'],
                        unique=False, postgresql_include=['weight_kg', 'waz', 'weight_gain', 'flags'])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_measurement_member_weighings', table_name='measurement')
