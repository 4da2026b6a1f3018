"""Each document's page sizes, the frame of its evidence boxes, so the document page can draw
where each value was read for files read by the CLI or the nightly batch too (generated from
records.schema, then reviewed).

Documents kept before stay valid: the column is nullable, and their page is drawn without boxes
(their events' evidence was stored without boxes as well).

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_sizes', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('page_sizes')
