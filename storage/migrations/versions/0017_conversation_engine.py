"""conversation engine keys: the engine's own keys of a conversation in a column of their own (bot.engine_state)

Nullable and left empty: a state stored before keeps the keys in `data` (`_v`, `_prompt`, `_draft`, `_leave`,
`_then`) and is moved to the new shape when the engine reads it, so conversations in progress go on.

Revision ID: 0017_engine
Revises: 0016_snapshot
"""
from alembic import op
import sqlalchemy as sa

revision = '0017_engine'
down_revision = '0016_snapshot'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversation_state') as batch:
        batch.add_column(sa.Column('engine', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversation_state') as batch:
        batch.drop_column('engine')
