"""Initial schema of the CBCCVC store: org tree, people and their career tables, documents,
events, the review queue and the audit log (generated from records.schema, then reviewed).

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('org_unit',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('path', sa.String(length=600), nullable=False),
    sa.Column('admin_code', sa.String(length=8), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('successor_code', sa.String(length=64), nullable=True),
    sa.Column('scope_code', sa.String(length=64), nullable=True),
    sa.Column('approves_transfers', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['org_unit.code'], ),
    sa.ForeignKeyConstraint(['scope_code'], ['org_unit.code'], ),
    sa.ForeignKeyConstraint(['successor_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_unit_path'), ['path'], unique=False)

    op.create_table('document',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('identity', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('number', sa.Text(), nullable=True),
    sa.Column('number_key', sa.Text(), nullable=True),
    sa.Column('doc_type', sa.Text(), nullable=True),
    sa.Column('issuer', sa.Text(), nullable=True),
    sa.Column('issuer_unit_code', sa.String(length=64), nullable=True),
    sa.Column('owner_unit_code', sa.String(length=64), nullable=True),
    sa.Column('issued_date', sa.Date(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('signer_name', sa.Text(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('duplicate_of', sa.String(length=64), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_policy', sa.String(length=32), nullable=True),
    sa.Column('dues', sa.JSON(), nullable=False),
    sa.Column('amends_action', sa.String(length=16), nullable=True),
    sa.Column('amends_number_key', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['issuer_unit_code'], ['org_unit.code'], ),
    sa.ForeignKeyConstraint(['owner_unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_amends_number_key'), ['amends_number_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_identity'), ['identity'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_issued_date'), ['issued_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_number_key'), ['number_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_owner_unit_code'), ['owner_unit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_status'), ['status'], unique=False)

    op.create_table('org_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_alias_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_alias_unit_code'), ['unit_code'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('personal_id', sa.String(length=12), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=8), nullable=True),
    sa.Column('hometown', sa.Text(), nullable=True),
    sa.Column('ethnicity', sa.String(length=64), nullable=True),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('personal_id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_birth', ['name_folded', 'birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_unit_code'), ['unit_code'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.Text(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_sha256'], ['document.sha256'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['event.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fingerprint')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_document_sha256'), ['document_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_status'), ['status'], unique=False)

    op.create_table('allowance',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('allowance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_person_id'), ['person_id'], unique=False)

    op.create_table('assignment',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('track', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('unit_text', sa.Text(), nullable=True),
    sa.Column('position', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_explicit', sa.Boolean(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('from_unit_text', sa.Text(), nullable=True),
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
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_person_id'), ['person_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(length=120), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_person_id'), ['person_id'], unique=False)

    op.create_table('award',
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_person_id'), ['person_id'], unique=False)

    op.create_table('discipline',
    sa.Column('form', sa.Text(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('discipline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discipline_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discipline_person_id'), ['person_id'], unique=False)

    op.create_table('review_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('from_unit_code', sa.String(length=64), nullable=True),
    sa.Column('to_unit_code', sa.String(length=64), nullable=True),
    sa.Column('requested_by', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=120), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['from_unit_code'], ['org_unit.code'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['to_unit_code'], ['org_unit.code'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['org_unit.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'kind', name='uq_review_event_kind')
    )
    with op.batch_alter_table('review_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_item_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_item_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_item_unit_code'), ['unit_code'], unique=False)

    op.create_table('salary_step',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('scale_code', sa.Text(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('coefficient', sa.Float(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('next_raise_due', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('salary_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_salary_step_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_salary_step_person_id'), ['person_id'], unique=False)

    op.create_table('training',
    sa.Column('course', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_person_id'))
        batch_op.drop_index(batch_op.f('ix_training_event_id'))

    op.drop_table('training')
    with op.batch_alter_table('salary_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_salary_step_person_id'))
        batch_op.drop_index(batch_op.f('ix_salary_step_event_id'))

    op.drop_table('salary_step')
    with op.batch_alter_table('review_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_item_unit_code'))
        batch_op.drop_index(batch_op.f('ix_review_item_status'))
        batch_op.drop_index(batch_op.f('ix_review_item_event_id'))

    op.drop_table('review_item')
    with op.batch_alter_table('discipline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discipline_person_id'))
        batch_op.drop_index(batch_op.f('ix_discipline_event_id'))

    op.drop_table('discipline')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_person_id'))
        batch_op.drop_index(batch_op.f('ix_award_event_id'))

    op.drop_table('award')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_person_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_person_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_event_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('allowance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_person_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_event_id'))

    op.drop_table('allowance')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_status'))
        batch_op.drop_index(batch_op.f('ix_event_person_id'))
        batch_op.drop_index(batch_op.f('ix_event_document_sha256'))

    op.drop_table('event')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_unit_code'))
        batch_op.drop_index(batch_op.f('ix_person_name_folded'))
        batch_op.drop_index('ix_person_name_birth')

    op.drop_table('person')
    with op.batch_alter_table('org_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_alias_unit_code'))
        batch_op.drop_index(batch_op.f('ix_org_alias_key'))

    op.drop_table('org_alias')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_status'))
        batch_op.drop_index(batch_op.f('ix_document_owner_unit_code'))
        batch_op.drop_index(batch_op.f('ix_document_number_key'))
        batch_op.drop_index(batch_op.f('ix_document_issued_date'))
        batch_op.drop_index(batch_op.f('ix_document_identity'))
        batch_op.drop_index(batch_op.f('ix_document_amends_number_key'))

    op.drop_table('document')
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_unit_path'))

    op.drop_table('org_unit')
    op.drop_table('meta')
