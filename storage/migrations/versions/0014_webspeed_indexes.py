"""web speed: an index for a posyandu's services of a month (`service_given (posyandu_id, given_on)`), read by
every month's recap (the chat's `rekap`, the CLI's `recap`, the web page's Rekap): without it a kabupaten's
quarter of a million services are scanned for each recap (docs/benchmarks.md, "Web page").

Revision ID: 0014_webspeed
Revises: 0010_imm
"""
from alembic import op


revision = '0014_webspeed'
down_revision = '0010_imm'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_service_given_posyandu_day', 'service_given', ['posyandu_id', 'given_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_service_given_posyandu_day', table_name='service_given')
