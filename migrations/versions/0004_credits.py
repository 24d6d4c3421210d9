"""Credits: ruleset versions, the ledger, derived totals, opt-in standings; stage changes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:12:41.210890

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('entry', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('counterpart_id', sa.Integer(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('available_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['corrects_id'], ['credit_event.id'], ),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'kind', 'source_type', 'source_id', 'entry', name='uq_credit_once')
    )
    with op.batch_alter_table('credit_event', schema=None) as batch_op:
        batch_op.create_index('ix_credit_event_cap', ['user_id', 'trajectory_id', 'kind', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_event_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index('ix_credit_event_person', ['user_id', 'trajectory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_event_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('credit_ruleset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('pending_hours', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('trajectory_id', 'version')
    )
    with op.batch_alter_table('credit_ruleset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_ruleset_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('credit_standing_optin',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'trajectory_id')
    )
    op.create_table('credit_total',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'trajectory_id')
    )
    with op.batch_alter_table('credit_total', schema=None) as batch_op:
        batch_op.create_index('ix_credit_total_standing', ['trajectory_id', 'total'], unique=False)

    op.create_table('credit_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ruleset_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('daily_cap', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ruleset_id'], ['credit_ruleset.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ruleset_id', 'kind')
    )
    with op.batch_alter_table('credit_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_rule_ruleset_id'), ['ruleset_id'], unique=False)

    op.create_table('stage_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moved_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_change_initiative_id'), ['initiative_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stage_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_change_initiative_id'))

    op.drop_table('stage_change')
    with op.batch_alter_table('credit_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_rule_ruleset_id'))

    op.drop_table('credit_rule')
    with op.batch_alter_table('credit_total', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_total_standing')

    op.drop_table('credit_total')
    op.drop_table('credit_standing_optin')
    with op.batch_alter_table('credit_ruleset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_ruleset_trajectory_id'))

    op.drop_table('credit_ruleset')
    with op.batch_alter_table('credit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_event_trajectory_id'))
        batch_op.drop_index('ix_credit_event_person')
        batch_op.drop_index(batch_op.f('ix_credit_event_corrects_id'))
        batch_op.drop_index('ix_credit_event_cap')

    op.drop_table('credit_event')
