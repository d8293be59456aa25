"""satusehat practitioner: a bidan's SATUSEHAT IHS number, the Encounter's attender and the
Immunization's performer (docs/satusehat.md)

Revision ID: 0010_satusehat
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

import storage.db


revision = '0010_satusehat'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('satusehat_practitioner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('ihs_number', sa.String(length=20), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_satusehat_practitioner_contact_id_contact'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satusehat_practitioner')),
    sa.UniqueConstraint('contact_id', name=op.f('uq_satusehat_practitioner_contact_id'))
    )


def downgrade() -> None:
    op.drop_table('satusehat_practitioner')
