"""Co-creation: trajectories, stages, framing, feedback, ambassadors, meetings, outcomes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 06:53:27.221709

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    # trajectory <-> stage reference each other: inline on SQLite, added afterwards on PostgreSQL.
    stage_fk = [sa.ForeignKeyConstraint(['current_stage_id'], ['stage.id'], name='fk_trajectory_stage')] if sqlite else []
    op.create_table('trajectory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('current_stage_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    *stage_fk,
    )
    op.create_table('ambassador_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'area_id')
    )
    with op.batch_alter_table('ambassador_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ambassador_area_user_id'), ['user_id'], unique=False)

    op.create_table('framing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=12), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('framing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framing_is_current'), ['is_current'], unique=False)
        batch_op.create_index(batch_op.f('ix_framing_target_id'), ['target_id'], unique=False)

    op.create_table('stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('trajectory_id', 'position')
    )
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('trajectory_area',
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trajectory_id', 'area_id')
    )
    op.create_table('blocker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('department', sa.String(length=120), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('solved_at', sa.DateTime(), nullable=True),
    sa.Column('solution', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['logged_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('blocker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blocker_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_blocker_solved_at'), ['solved_at'], unique=False)

    op.create_table('facilitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('offered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offered_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('facilitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilitation_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('trajectory_id', sa.Integer(), nullable=True),
    sa.Column('initiative_id', sa.Integer(), nullable=True),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organiser_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('municipal_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('scale', sa.String(length=12), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('municipal_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipal_role_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('initiative_id')
    )
    op.create_table('stakeholder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('involved', sa.Boolean(), nullable=False),
    sa.Column('is_municipality', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stakeholder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholder_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('answers_comment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answers_comment_id'], ['comment.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_initiative_id'), ['initiative_id'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('to_municipality', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))

    # Columns with a foreign key: SQLite adds them in place (no table copy, which would
    # lose SpatiaLite's geometry registration); PostgreSQL adds named constraints.
    if sqlite:
        op.execute("ALTER TABLE initiative ADD COLUMN trajectory_id INTEGER REFERENCES trajectory(id) ON DELETE SET NULL")
        op.execute("ALTER TABLE initiative ADD COLUMN stage_id INTEGER REFERENCES stage(id) ON DELETE SET NULL")
    else:
        op.create_foreign_key('fk_trajectory_stage', 'trajectory', 'stage', ['current_stage_id'], ['id'])
        op.add_column('initiative', sa.Column('trajectory_id', sa.Integer(), nullable=True))
        op.add_column('initiative', sa.Column('stage_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_initiative_trajectory', 'initiative', 'trajectory', ['trajectory_id'], ['id'], ondelete='SET NULL')
        op.create_foreign_key('fk_initiative_stage', 'initiative', 'stage', ['stage_id'], ['id'], ondelete='SET NULL')
    op.add_column('initiative', sa.Column('first_response_at', sa.DateTime(), nullable=True))
    op.add_column('initiative', sa.Column('on_behalf_of', sa.String(length=80), nullable=True))
    op.add_column('initiative', sa.Column('consent_note', sa.String(length=300), nullable=True))
    op.create_index('ix_initiative_first_response_at', 'initiative', ['first_response_at'], unique=False)
    op.create_index('ix_initiative_trajectory_id', 'initiative', ['trajectory_id'], unique=False)



def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint('fk_initiative_stage', 'initiative', type_='foreignkey')
        op.drop_constraint('fk_initiative_trajectory', 'initiative', type_='foreignkey')
        op.drop_constraint('fk_trajectory_stage', 'trajectory', type_='foreignkey')
    op.drop_index('ix_initiative_trajectory_id', table_name='initiative')
    op.drop_index('ix_initiative_first_response_at', table_name='initiative')
    for column in ('consent_note', 'on_behalf_of', 'first_response_at', 'stage_id', 'trajectory_id'):
        op.drop_column('initiative', column)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
        batch_op.drop_column('to_municipality')

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_initiative_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('stakeholder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholder_initiative_id'))

    op.drop_table('stakeholder')
    op.drop_table('outcome')
    with op.batch_alter_table('municipal_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipal_role_initiative_id'))

    op.drop_table('municipal_role')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_trajectory_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meeting_initiative_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('facilitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitation_initiative_id'))

    op.drop_table('facilitation')
    with op.batch_alter_table('blocker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blocker_solved_at'))
        batch_op.drop_index(batch_op.f('ix_blocker_initiative_id'))

    op.drop_table('blocker')
    op.drop_table('trajectory_area')
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_trajectory_id'))

    op.drop_table('stage')
    with op.batch_alter_table('framing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framing_target_id'))
        batch_op.drop_index(batch_op.f('ix_framing_is_current'))

    op.drop_table('framing')
    with op.batch_alter_table('ambassador_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ambassador_area_user_id'))

    op.drop_table('ambassador_area')
    op.drop_table('trajectory')
