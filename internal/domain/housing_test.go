package domain

import (
	"testing"
	"time"
)

func TestHousingUnitFormValidate(t *testing.T) {
	ok := HousingUnitForm{Address: "Storgata 1", OwnerType: OwnerMunicipal, Rooms: "3", Bedrooms: "2", Rent: "12 500", Status: UnitVacant}
	cases := []struct {
		name  string
		edit  func(*HousingUnitForm)
		field string // "" when valid
	}{
		{"valid", func(*HousingUnitForm) {}, ""},
		{"no address", func(f *HousingUnitForm) { f.Address = "  " }, "address"},
		{"control char in address", func(f *HousingUnitForm) { f.Address = "Storgata\x071" }, "address"},
		{"long address", func(f *HousingUnitForm) { f.Address = string(make([]byte, 301)) }, "address"},
		{"no owner", func(f *HousingUnitForm) { f.OwnerType = "" }, "owner_type"},
		{"unknown owner", func(f *HousingUnitForm) { f.OwnerType = "kommunal" }, "owner_type"},
		{"private without landlord", func(f *HousingUnitForm) { f.OwnerType = OwnerPrivate }, "landlord_id"},
		{"private with landlord", func(f *HousingUnitForm) { f.OwnerType = OwnerPrivate; f.LandlordID = "4" }, ""},
		{"bad landlord id", func(f *HousingUnitForm) { f.LandlordID = "x" }, "landlord_id"},
		{"no rooms", func(f *HousingUnitForm) { f.Rooms = "" }, "rooms"},
		{"zero rooms", func(f *HousingUnitForm) { f.Rooms = "0" }, "rooms"},
		{"21 rooms", func(f *HousingUnitForm) { f.Rooms = "21"; f.Bedrooms = "1" }, "rooms"},
		{"bedrooms over rooms", func(f *HousingUnitForm) { f.Bedrooms = "4" }, "bedrooms"},
		{"bedrooms equal rooms", func(f *HousingUnitForm) { f.Bedrooms = "3" }, ""},
		{"bedsit", func(f *HousingUnitForm) { f.Rooms = "1"; f.Bedrooms = "0" }, ""},
		{"negative bedrooms", func(f *HousingUnitForm) { f.Bedrooms = "-1" }, "bedrooms"},
		{"size too small", func(f *HousingUnitForm) { f.SizeM2 = "4" }, "size_m2"},
		{"size ok", func(f *HousingUnitForm) { f.SizeM2 = "65" }, ""},
		{"size not a number", func(f *HousingUnitForm) { f.SizeM2 = "65,5" }, "size_m2"},
		{"basement", func(f *HousingUnitForm) { f.Floor = "-2" }, ""},
		{"floor too low", func(f *HousingUnitForm) { f.Floor = "-3" }, "floor"},
		{"no rent", func(f *HousingUnitForm) { f.Rent = "" }, "rent"},
		{"bad rent", func(f *HousingUnitForm) { f.Rent = "tolv" }, "rent"},
		{"negative rent", func(f *HousingUnitForm) { f.Rent = "-100" }, "rent"},
		{"no status", func(f *HousingUnitForm) { f.Status = "" }, "status"},
		{"unknown status", func(f *HousingUnitForm) { f.Status = "ledig" }, "status"},
		{"bad checkbox", func(f *HousingUnitForm) { f.Lift = "maybe" }, "lift"},
		{"long note", func(f *HousingUnitForm) { f.Note = string(make([]rune, 1001)) }, "note"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ok
			c.edit(&f)
			_, err := f.Validate(false)
			fields := fieldsOf(t, err)
			if c.field == "" && err != nil {
				t.Fatalf("want valid, got %v", fields)
			}
			if c.field != "" && fields[c.field] == "" {
				t.Fatalf("want a message on %s, got %v", c.field, fields)
			}
		})
	}
	f := ok
	f.Address, f.Lift, f.Floor, f.Rent = "Ålesundgata 5 B", "yes", "3", "12 500,50"
	in, err := f.Validate(false)
	if err != nil {
		t.Fatal(err)
	}
	if in.RentOre != 1250050 || !in.Lift || in.Floor == nil || *in.Floor != 3 || in.SizeM2 != nil || in.AddressKey != FoldName("Ålesundgata 5 B") {
		t.Fatalf("input %+v", in)
	}
	if _, err := ok.Validate(true); fieldsOf(t, err)["version"] == "" {
		t.Fatal("an edit without version must fail")
	}
}

func TestLandlordFormValidate(t *testing.T) {
	org := LandlordForm{Kind: LandlordOrganisation, Name: "Boligbygg AS", OrgNr: "974 760 673"}
	cases := []struct {
		name  string
		edit  func(*LandlordForm)
		field string
	}{
		{"valid organisation", func(*LandlordForm) {}, ""},
		{"no kind", func(f *LandlordForm) { f.Kind = "" }, "kind"},
		{"unknown kind", func(f *LandlordForm) { f.Kind = "firma" }, "kind"},
		{"no name", func(f *LandlordForm) { f.Name = "" }, "name"},
		{"no orgnr", func(f *LandlordForm) { f.OrgNr = "" }, "orgnr"},
		{"short orgnr", func(f *LandlordForm) { f.OrgNr = "97476067" }, "orgnr"},
		{"letters in orgnr", func(f *LandlordForm) { f.OrgNr = "97476067x" }, "orgnr"},
		{"bad check digit", func(f *LandlordForm) { f.OrgNr = "974760674" }, "orgnr"},
		{"person", func(f *LandlordForm) { f.Kind = LandlordPerson; f.OrgNr = "" }, ""},
		{"person with orgnr", func(f *LandlordForm) { f.Kind = LandlordPerson }, "orgnr"},
		{"bad phone", func(f *LandlordForm) { f.Phone = "ring meg" }, "phone"},
		{"good phone", func(f *LandlordForm) { f.Phone = "+47 912 34 567" }, ""},
		{"bad email", func(f *LandlordForm) { f.Email = "ola@" }, "email"},
		{"good email", func(f *LandlordForm) { f.Email = "ola@eksempel.no" }, ""},
		{"control char in contact", func(f *LandlordForm) { f.Contact = "Ola\x07Nordmann" }, "contact"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := org
			c.edit(&f)
			_, err := f.Validate(false)
			fields := fieldsOf(t, err)
			if c.field == "" && err != nil {
				t.Fatalf("want valid, got %v", fields)
			}
			if c.field != "" && fields[c.field] == "" {
				t.Fatalf("want a message on %s, got %v", c.field, fields)
			}
		})
	}
	in, err := org.Validate(false)
	if err != nil || in.OrgNr == nil || *in.OrgNr != "974760673" {
		t.Fatalf("orgnr %v, %v", in.OrgNr, err)
	}
}

func TestAgreementFormValidate(t *testing.T) {
	cases := []struct {
		f     AgreementForm
		field string
	}{
		{AgreementForm{From: "2026-01-01", Units: "5"}, ""},
		{AgreementForm{From: "01.01.2026", To: "31.12.2027", Units: "0"}, ""},
		{AgreementForm{From: "2026-01-01", To: "2026-01-01", Units: "1"}, ""},
		{AgreementForm{Units: "5"}, "from"},
		{AgreementForm{From: "i morgen", Units: "5"}, "from"},
		{AgreementForm{From: "2026-01-01", To: "2025-12-31", Units: "5"}, "to"},
		{AgreementForm{From: "2026-01-01", To: "snart", Units: "5"}, "to"},
		{AgreementForm{From: "2026-01-01"}, "units"},
		{AgreementForm{From: "2026-01-01", Units: "-1"}, "units"},
		{AgreementForm{From: "2026-01-01", Units: "10001"}, "units"},
	}
	for _, c := range cases {
		_, err := c.f.Validate()
		fields := fieldsOf(t, err)
		if c.field == "" && err != nil {
			t.Errorf("%+v: want valid, got %v", c.f, fields)
		}
		if c.field != "" && fields[c.field] == "" {
			t.Errorf("%+v: want a message on %s, got %v", c.f, c.field, fields)
		}
	}
	a := LandlordAgreement{FromDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if !a.ActiveOn(a.FromDate) || a.ActiveOn(a.FromDate.AddDate(0, 0, -1)) {
		t.Fatal("ActiveOn")
	}
}
