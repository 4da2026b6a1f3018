"""The other registers (issue 10): the organisation tree's history (origin, dated aliases, contact
details, org_change, unit_head), local government mandates, collective awards and emulation
registrations (unit_award), training classes, commune officials' staff group, an award's year
(generated from records.schema, then reviewed).

Existing rows stay valid: new columns are nullable or default to "seed" (every unit and alias
there before came from the seed file).

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

FK_TRAINING_CLASS = "fk_training_class_id_training_class"

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mandate',
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('body', sa.String(length=16), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('position', sa.Text(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('term', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closed_event_id', sa.Integer(), nullable=True),
    sa.Column('closed_sha256', sa.String(length=64), nullable=True),
    sa.Column('closed_page', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandate_closed_event_id'), ['closed_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandate_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandate_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandate_unit_code'), ['unit_code'], unique=False)

    op.create_table('org_change',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('unit_text', sa.Text(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_change_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_change_unit_code'), ['unit_code'], unique=False)

    op.create_table('training_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_key', sa.Text(), nullable=False),
    sa.Column('organiser', sa.Text(), nullable=True),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('place', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('training_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_class_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_class_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_class_unit_code'), ['unit_code'], unique=False)

    op.create_table('unit_award',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('unit_text', sa.Text(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_award_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_award_unit_code'), ['unit_code'], unique=False)

    op.create_table('unit_head',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_head', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_head_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_head_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_head_unit_code'), ['unit_code'], unique=False)

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True))

    with op.batch_alter_table('org_alias', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='seed', nullable=False))
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))

    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='seed', nullable=False))
        batch_op.add_column(sa.Column('kind_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=True))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_group', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('staff_group_since', sa.Date(), nullable=True))

    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_key', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('organiser', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('place', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('class_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_training_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_course_key'), ['course_key'], unique=False)
        batch_op.create_foreign_key(FK_TRAINING_CLASS, 'training_class', ['class_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_constraint(FK_TRAINING_CLASS, type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_training_course_key'))
        batch_op.drop_index(batch_op.f('ix_training_class_id'))
        batch_op.drop_column('class_id')
        batch_op.drop_column('place')
        batch_op.drop_column('organiser')
        batch_op.drop_column('course_key')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('staff_group_since')
        batch_op.drop_column('staff_group')

    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
        batch_op.drop_column('address')
        batch_op.drop_column('kind_text')
        batch_op.drop_column('origin')

    with op.batch_alter_table('org_alias', schema=None) as batch_op:
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
        batch_op.drop_column('origin')

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_column('year')

    with op.batch_alter_table('unit_head', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_head_unit_code'))
        batch_op.drop_index(batch_op.f('ix_unit_head_person_id'))
        batch_op.drop_index(batch_op.f('ix_unit_head_event_id'))

    op.drop_table('unit_head')
    with op.batch_alter_table('unit_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_award_unit_code'))
        batch_op.drop_index(batch_op.f('ix_unit_award_event_id'))

    op.drop_table('unit_award')
    with op.batch_alter_table('training_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_class_unit_code'))
        batch_op.drop_index(batch_op.f('ix_training_class_name_key'))
        batch_op.drop_index(batch_op.f('ix_training_class_event_id'))

    op.drop_table('training_class')
    with op.batch_alter_table('org_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_change_unit_code'))
        batch_op.drop_index(batch_op.f('ix_org_change_event_id'))

    op.drop_table('org_change')
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandate_unit_code'))
        batch_op.drop_index(batch_op.f('ix_mandate_person_id'))
        batch_op.drop_index(batch_op.f('ix_mandate_event_id'))
        batch_op.drop_index(batch_op.f('ix_mandate_closed_event_id'))

    op.drop_table('mandate')
