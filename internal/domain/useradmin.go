package domain

import (
	"strconv"
	"strings"
)

// User administration (issue 13, part 1): the admin's forms and the
// browser summary of a session.

// UserForm is the new-user form as typed (all strings, so a refused form
// comes back as typed).
type UserForm struct {
	Email  string
	Name   string
	Role   string
	UnitID string
}

// UserInput is a validated new user.
type UserInput struct {
	Email  string
	Name   string
	Role   Role
	UnitID int64
}

// Validate checks the new-user form; the messages are per field.
func (f UserForm) Validate() (UserInput, error) {
	errs := map[string]string{}
	var in UserInput
	email, msg := lineField("E-postadressen", f.Email)
	switch {
	case msg != "":
		errs["email"] = msg
	case email == "":
		errs["email"] = "Skriv e-postadressen."
	case len(email) > 254 || !ValidEmail(email):
		errs["email"] = "Skriv en gyldig e-postadresse, for eksempel kari.nordmann@kommune.no."
	}
	in.Email = email
	name, msg := lineField("Navnet", f.Name)
	switch {
	case msg != "":
		errs["name"] = msg
	case name == "":
		errs["name"] = "Skriv navnet."
	case len([]rune(name)) > 200:
		errs["name"] = "Navnet kan ha høyst 200 tegn."
	}
	in.Name = name
	role, unit, roleErrs := roleUnit(f.Role, f.UnitID)
	for k, v := range roleErrs {
		errs[k] = v
	}
	in.Role, in.UnitID = role, unit
	if len(errs) > 0 {
		return UserInput{}, &Error{Code: EINVALID, Message: "Skjemaet har feil.", Fields: errs}
	}
	return in, nil
}

// UserChangeForm is the change of a user's role and unit, with the version
// the form was built on.
type UserChangeForm struct {
	Role    string
	UnitID  string
	Version string
}

// UserChange is a validated change of role and unit.
type UserChange struct {
	Role    Role
	UnitID  int64
	Version int
}

// Validate checks the change form.
func (f UserChangeForm) Validate() (UserChange, error) {
	role, unit, errs := roleUnit(f.Role, f.UnitID)
	v, err := strconv.Atoi(f.Version)
	if err != nil || v < 0 {
		errs["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	if len(errs) > 0 {
		return UserChange{}, &Error{Code: EINVALID, Message: "Skjemaet har feil.", Fields: errs}
	}
	return UserChange{Role: role, UnitID: unit, Version: v}, nil
}

func roleUnit(roleS, unitS string) (Role, int64, map[string]string) {
	errs := map[string]string{}
	role := Role(roleS)
	if !role.Valid() {
		errs["role"] = "Velg en rolle."
	}
	unit, err := strconv.ParseInt(unitS, 10, 64)
	if err != nil || unit <= 0 {
		errs["unit_id"] = "Velg en enhet."
	}
	return role, unit, errs
}

// SetupForm is the first administrator's form on an empty database.
type SetupForm struct {
	Email    string
	Name     string
	Unit     string
	Password string
	Confirm  string
}

// SetupInput is a validated setup form.
type SetupInput struct {
	Email, Name, Unit, Password string
}

// Validate checks the setup form; check is the password policy
// (password.Validate: a message or "").
func (f SetupForm) Validate(check func(string) string) (SetupInput, error) {
	in, err := UserForm{Email: f.Email, Name: f.Name, Role: string(RoleAdmin), UnitID: "1"}.Validate()
	errs := map[string]string{}
	if de, ok := err.(*Error); ok {
		errs = de.Fields
	}
	unit, msg := lineField("Enheten", f.Unit)
	switch {
	case msg != "":
		errs["unit"] = msg
	case unit == "":
		errs["unit"] = "Skriv navnet på enheten, for eksempel «Flyktningtjenesten»."
	case len([]rune(unit)) > 200:
		errs["unit"] = "Enhetens navn kan ha høyst 200 tegn."
	}
	for k, v := range PasswordErrors(f.Password, f.Confirm, check) {
		errs[k] = v
	}
	if len(errs) > 0 {
		return SetupInput{}, &Error{Code: EINVALID, Message: "Skjemaet har feil.", Fields: errs}
	}
	return SetupInput{Email: in.Email, Name: in.Name, Unit: unit, Password: f.Password}, nil
}

// PasswordErrors checks a new password and its repetition (fields
// "password" and "confirm").
func PasswordErrors(pw, confirm string, check func(string) string) map[string]string {
	errs := map[string]string{}
	switch {
	case pw == "":
		errs["password"] = "Skriv et passord."
	case firstForbidden(pw) >= 0:
		errs["password"] = "Passordet inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt."
	default:
		if msg := check(pw); msg != "" {
			errs["password"] = msg
		} else if pw != confirm {
			errs["confirm"] = "Passordene er ikke like. Skriv det samme passordet to ganger."
		}
	}
	return errs
}

// BrowserSummary is a short Norwegian description of a User-Agent:
// "Chrome 131 på Windows", "Firefox på Linux", "Ukjent nettleser".
func BrowserSummary(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"},
		{"HeadlessChrome/", "Chrome (uten vindu)"}, {"Chrome/", "Chrome"}, {"CriOS/", "Chrome"}, {"Version/", "Safari"},
	} {
		if i := strings.Index(ua, b.token); i >= 0 {
			v := ua[i+len(b.token):]
			if j := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }); j >= 0 {
				v = v[:j]
			}
			browser = b.name
			if v != "" && len(v) <= 4 {
				browser += " " + v
			}
			break
		}
	}
	if browser == "" {
		switch {
		case strings.Contains(ua, "curl/"):
			browser = "curl"
		default:
			browser = "Ukjent nettleser"
		}
	}
	os := ""
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			os = o.name
			break
		}
	}
	if os == "" {
		return browser
	}
	return browser + " på " + os
}
