package password

import "testing"

func TestHashAndCheck(t *testing.T) {
	h, err := Hash("riktig hest batteri stift æøå")
	if err != nil {
		t.Fatal(err)
	}
	if !Check("riktig hest batteri stift æøå", h) {
		t.Error("the right password was refused")
	}
	if Check("riktig hest batteri stift aoa", h) {
		t.Error("a wrong password was accepted")
	}
	if Check("ankomst-dummy-password", "") {
		t.Error("an empty hash matched")
	}
}

func TestValidate(t *testing.T) {
	for pw, bad := range map[string]bool{"kort": true, "tolv tegn ok": false, string(make([]rune, 300)): true} {
		if got := Validate(pw) != ""; got != bad {
			t.Errorf("Validate(%d runes) bad=%v, want %v", len([]rune(pw)), got, bad)
		}
	}
}
