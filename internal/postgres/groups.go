package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Groups (programme_groups, programme_group_members, migration 000013): a
// group belongs to one unit and is seen by that unit's users (admins: every
// unit); its members are participants of the unit with a granted programme.
// Leaving sets left_on; joining again reopens the same row.

// GroupStaleError answers an edit based on an old version of a group.
type GroupStaleError = ConflictError[*domain.GroupDetail]

const groupSelect = `SELECT g.id, g.unit_id, n.name AS unit_name, g.name, g.contact, g.weekdays, g.active, g.version, g.updated_at,
		(SELECT count(*) FROM programme_group_members m WHERE m.group_id = g.id AND m.left_on IS NULL)::int AS members
	FROM programme_groups g JOIN units n ON n.id = g.unit_id`

const groupNotFound = "Fant ikke gruppa."

// ListGroups lists the active groups in the user's scope by name, with
// their numbers of active members.
func (db *DB) ListGroups(ctx context.Context, s domain.Scope) ([]domain.Group, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	return listGroups(ctx, db.Pool, s)
}

func listGroups(ctx context.Context, q querier, s domain.Scope) ([]domain.Group, error) {
	var a sqlArgs
	rows, err := q.Query(ctx, groupSelect+` WHERE g.active AND `+a.scope(s, "g.unit_id")+` ORDER BY lower(g.name), g.id`, a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.Group])
}

func getGroup(ctx context.Context, q querier, s domain.Scope, id int64, lock bool) (*domain.Group, error) {
	var a sqlArgs
	idp := a.add(id)
	sql := groupSelect + ` WHERE g.id = ` + idp + ` AND ` + a.scope(s, "g.unit_id")
	if lock {
		sql += ` FOR UPDATE OF g`
	}
	rows, err := q.Query(ctx, sql, a.list...)
	if err != nil {
		return nil, err
	}
	g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Group])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, groupNotFound)
	}
	return g, err
}

func groupDetail(ctx context.Context, q querier, s domain.Scope, id int64) (*domain.GroupDetail, error) {
	g, err := getGroup(ctx, q, s, id, false)
	if err != nil {
		return nil, err
	}
	var a sqlArgs
	idp := a.add(id)
	rows, err := q.Query(ctx, `SELECT m.person_id, p.given_name, p.family_name, p.birth_date, m.joined_on, m.left_on
		FROM programme_group_members m JOIN persons p ON p.id = m.person_id
		WHERE m.group_id = `+idp+` AND `+a.scope(s, "p.unit_id")+`
		ORDER BY m.left_on IS NOT NULL, p.family_name, p.given_name, p.id`, a.list...)
	if err != nil {
		return nil, err
	}
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.GroupMember])
	if err != nil {
		return nil, err
	}
	return &domain.GroupDetail{Group: *g, Members: ms}, nil
}

// GetGroup reads a group in scope with its memberships.
func (db *DB) GetGroup(ctx context.Context, s domain.Scope, id int64) (*domain.GroupDetail, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	return groupDetail(ctx, db.Pool, s, id)
}

// GroupInScope reports whether the group is in the user's scope: nil, or
// ENOTFOUND "Fant ikke gruppa.".
func (db *DB) GroupInScope(ctx context.Context, s domain.Scope, id int64) error {
	where, args := unitScope(s, "g.unit_id", 2)
	return existsInScope(ctx, db.Pool, groupNotFound,
		`SELECT 1 FROM programme_groups g WHERE g.id = $1 AND `+where, append([]any{id}, args...)...)
}

// GroupCandidates lists the participants who may join the group: persons of
// the group's unit (in scope) with a granted programme that has not ended,
// who are not active members, by name.
func (db *DB) GroupCandidates(ctx context.Context, s domain.Scope, groupID int64) ([]domain.GroupCandidate, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	var a sqlArgs
	gp := a.add(groupID)
	today := a.add(db.today())
	rows, err := db.Pool.Query(ctx, `SELECT p.id AS person_id, p.given_name, p.family_name, p.birth_date
		FROM programme_groups g
		JOIN persons p ON p.unit_id = g.unit_id
		JOIN programmes pr ON pr.person_id = p.id
		WHERE g.id = `+gp+` AND `+a.scope(s, "g.unit_id")+`
		  AND pr.decision = 'granted' AND (pr.ended_on IS NULL OR pr.ended_on >= `+today+`)
		  AND p.status = 'active'
		  AND NOT EXISTS (SELECT 1 FROM programme_group_members m WHERE m.group_id = g.id AND m.person_id = p.id AND m.left_on IS NULL)
		ORDER BY p.family_name, p.given_name, p.id`, a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.GroupCandidate])
}

func weekdaysStr(ds []int16) string { return strings.Join(domain.WeekdayCodes(ds), ",") }

// duplicateGroupName maps the unique index on active group names to a field
// error naming the name.
func duplicateGroupName(err error, name string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "programme_groups_unit_name_idx" {
		return invalidField("name", "Enheten har allerede en gruppe som heter «"+name+"». Velg et annet navn.")
	}
	return err
}

// CreateGroup creates a group in the user's unit; the group and its audit
// row commit together.
func (db *DB) CreateGroup(ctx context.Context, s domain.Scope, in domain.GroupInput) (int64, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO programme_groups (unit_id, name, contact, weekdays, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, s.UnitID, in.Name, in.Contact, in.Weekdays, s.UserID).Scan(&id)
		if err != nil {
			return duplicateGroupName(err, in.Name)
		}
		ch := domain.Changes{}
		ch.Set("group_name", "", in.Name)
		ch.Set("group_contact", "", in.Contact)
		ch.Set("group_weekdays", "", weekdaysStr(in.Weekdays))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityGroup, EntityID: &id, Changes: ch})
	})
	return id, err
}

// UpdateGroup changes a group's name, contact and weekdays. A change based
// on another version gets a *GroupStaleError.
func (db *DB) UpdateGroup(ctx context.Context, s domain.Scope, id int64, in domain.GroupInput) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		g, err := getGroup(ctx, tx, s, id, true)
		if err != nil {
			return err
		}
		if g.Version != in.Version {
			cur, err := groupDetail(ctx, tx, s, id)
			if err != nil {
				return err
			}
			return &GroupStaleError{Current: cur, Message: "Noen andre har endret gruppa mens du arbeidet med den. Ingenting er lagret."}
		}
		ch := domain.Changes{}
		ch.Set("group_name", g.Name, in.Name)
		ch.Set("group_contact", g.Contact, in.Contact)
		ch.Set("group_weekdays", weekdaysStr(g.Weekdays), weekdaysStr(in.Weekdays))
		if len(ch) == 0 {
			return nil // nothing changed: no new version, no audit row
		}
		_, err = tx.Exec(ctx, `UPDATE programme_groups SET name = $2, contact = $3, weekdays = $4, version = version + 1,
			updated_at = now(), updated_by = $5 WHERE id = $1`, id, in.Name, in.Contact, in.Weekdays, s.UserID)
		if err != nil {
			return duplicateGroupName(err, in.Name)
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityGroup, EntityID: &id, Changes: ch})
	})
}

// AddGroupMember adds a participant to a group: a person in scope of the
// group's unit with a granted programme, not already an active member. A
// former member joins again on the same row.
func (db *DB) AddGroupMember(ctx context.Context, s domain.Scope, groupID int64, in domain.GroupMemberInput) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		g, err := getGroup(ctx, tx, s, groupID, true)
		if err != nil {
			return err
		}
		var a sqlArgs
		pp := a.add(in.PersonID)
		var unit int64
		var name string
		var decision *string
		err = tx.QueryRow(ctx, `SELECT p.unit_id, p.given_name || ' ' || p.family_name, pr.decision
			FROM persons p LEFT JOIN programmes pr ON pr.person_id = p.id
			WHERE p.id = `+pp+` AND p.status <> 'merged' AND `+a.scope(s, "p.unit_id")+` FOR UPDATE OF p`, a.list...).Scan(&unit, &name, &decision)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
		} else if err != nil {
			return err
		}
		switch {
		case unit != g.UnitID:
			return invalidField("person_id", "Personen tilhører en annen enhet enn gruppa.")
		case decision == nil || *decision != "granted":
			return invalidField("person_id", name+" har ikke vedtak om introduksjonsprogram og kan ikke legges i en gruppe.")
		}
		var left *time.Time
		err = tx.QueryRow(ctx, `SELECT left_on FROM programme_group_members WHERE group_id = $1 AND person_id = $2`, groupID, in.PersonID).Scan(&left)
		switch {
		case err == nil && left == nil:
			return domain.Errorf(domain.ECONFLICT, "%s er allerede med i gruppa.", name)
		case err == nil:
			_, err = tx.Exec(ctx, `UPDATE programme_group_members SET joined_on = $3, left_on = NULL WHERE group_id = $1 AND person_id = $2`,
				groupID, in.PersonID, in.JoinedOn)
		case errors.Is(err, pgx.ErrNoRows):
			_, err = tx.Exec(ctx, `INSERT INTO programme_group_members (group_id, person_id, joined_on) VALUES ($1, $2, $3)`,
				groupID, in.PersonID, in.JoinedOn)
		}
		if err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("group_joined_on", "", dateStr(&in.JoinedOn))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionAddMember, Entity: domain.EntityGroupMember, EntityID: &groupID,
			PersonID: &in.PersonID, Changes: ch})
	})
}

// RemoveGroupMember ends an active membership on leftOn (not before the
// member joined).
func (db *DB) RemoveGroupMember(ctx context.Context, s domain.Scope, groupID, personID int64, leftOn time.Time) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := getGroup(ctx, tx, s, groupID, true); err != nil {
			return err
		}
		var a sqlArgs
		gp, pp := a.add(groupID), a.add(personID)
		var joined time.Time
		err := tx.QueryRow(ctx, `SELECT m.joined_on FROM programme_group_members m JOIN persons p ON p.id = m.person_id
			WHERE m.group_id = `+gp+` AND m.person_id = `+pp+` AND m.left_on IS NULL AND `+a.scope(s, "p.unit_id")+`
			FOR UPDATE OF m`, a.list...).Scan(&joined)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Personen er ikke med i gruppa.")
		} else if err != nil {
			return err
		}
		if msg := domain.CheckGroupLeftOn(joined, leftOn); msg != "" {
			return invalidField("left_on", msg)
		}
		if _, err := tx.Exec(ctx, `UPDATE programme_group_members SET left_on = $3 WHERE group_id = $1 AND person_id = $2`,
			groupID, personID, leftOn); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("group_left_on", "", dateStr(&leftOn))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionRemoveMember, Entity: domain.EntityGroupMember, EntityID: &groupID,
			PersonID: &personID, Changes: ch, Details: &domain.AuditDetails{JoinedOn: dateStr(&joined)}})
	})
}
