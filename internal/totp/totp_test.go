package totp

import (
	"testing"
	"time"
)

func TestMatchRefusesReplayAndOldSteps(t *testing.T) {
	k, err := Generate("kari@kommune.no")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 8, 0, 10, 0, time.UTC)
	code, _ := Code(k.Secret, now)
	step, ok := Match(k.Secret, code[:3]+" "+code[3:], now, 0)
	if !ok || step != Step(now) {
		t.Fatalf("Match = %d %v", step, ok)
	}
	if _, ok := Match(k.Secret, code, now, step); ok {
		t.Error("a code was accepted twice")
	}
	prev, _ := Code(k.Secret, now.Add(-Period*time.Second))
	if _, ok := Match(k.Secret, prev, now, 0); !ok {
		t.Error("the previous step's code (clock drift) was refused")
	}
	old, _ := Code(k.Secret, now.Add(-3*Period*time.Second))
	if _, ok := Match(k.Secret, old, now, 0); ok {
		t.Error("a code three steps old was accepted")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := Match(k.Secret, bad, now, 0); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	k2, err := FromSecret("kari@kommune.no", k.Secret)
	if err != nil || k2.Secret != k.Secret {
		t.Fatalf("FromSecret: %v %q", err, k2.Secret)
	}
	if uri, err := k2.QRDataURI(); err != nil || len(uri) < 100 {
		t.Fatalf("QR: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := RecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] || !IsRecoveryCode(Normalize(c)) {
			t.Errorf("bad code %q", c)
		}
		seen[c] = true
	}
	if string(HashRecovery(codes[0])) != string(HashRecovery(" "+codes[0][:5]+codes[0][6:])) {
		t.Error("hash depends on formatting")
	}
	if IsRecoveryCode("123456") {
		t.Error("a TOTP code looks like a recovery code")
	}
}
