package steps

import (
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// fixedCarrier is a tracker that says where its click id travels.
type fixedCarrier struct {
	Tracker
	cb map[simulator.Role]string
}

func (f fixedCarrier) ClickParam(role simulator.Role) string     { return f.cb[role] }
func (f fixedCarrier) ClickBankParam(role simulator.Role) string { return f.cb[role] }
func (f fixedCarrier) TrackerName() string                       { return "Orbitra" }

// TestWithCarrier: an affiliate template's click macro becomes the macro of
// the parameter that carries the click id; tid leaves it as it was.
func TestWithCarrier(t *testing.T) {
	for _, c := range []struct{ tmpl, cb, want string }{
		{"?clickid={tid}&sum={affiliate_earnings}", "tid", "?clickid={tid}&sum={affiliate_earnings}"},
		{"?clickid={tid}&sum={affiliate_earnings}", "extclid", "?clickid={extclid}&sum={affiliate_earnings}"},
		{"https://t.example/pb?c={click_id}&t={tid}&x=%7Btid%7D", "extclid", "https://t.example/pb?c={extclid}&t={extclid}&x=%7Btid%7D"},
		{"?clickid={tidy}", "extclid", "?clickid={tidy}"},
		{"", "extclid", ""},
	} {
		if got := withCarrier(c.tmpl, c.cb); got != c.want {
			t.Errorf("withCarrier(%q, %q) = %q, want %q", c.tmpl, c.cb, got, c.want)
		}
	}
}

// TestCarry: where a click id lands in the journey, and the vendor click id
// ClickBank's vtid refuses, named.
func TestCarry(t *testing.T) {
	const uuid = "67dc17d0-948a-4094-85a8-864efaf6bf0f"
	ext := fixedCarrier{cb: map[simulator.Role]string{simulator.RoleAffiliate: "extclid", simulator.RoleVendor: "vtid"}}
	for _, c := range []struct {
		name    string
		trk     Tracker
		role    simulator.Role
		id      string
		tid     string
		vtid    string
		extclid string
		err     string
	}{
		{"affiliate tid", lostClicksStub{}, simulator.RoleAffiliate, "c0ffee01", "c0ffee01", "", "", ""},
		{"vendor vtid", lostClicksStub{}, simulator.RoleVendor, "c0ffee01", "", "c0ffee01", "", ""},
		{"affiliate extclid", ext, simulator.RoleAffiliate, uuid, "", "", uuid, ""},
		{"vendor UUID", ext, simulator.RoleVendor, uuid, "", "", "",
			"Orbitra's click ids are UUIDs (" + uuid + "); ClickBank's vtid allows only [A-Za-z0-9_] (vtid \"" + uuid + "\" has '-' at position 9"},
		{"extclid refuses", ext, simulator.RoleAffiliate, "a/b", "", "", "", "Orbitra's click id a/b cannot ride in the hoplink's extclid: extclid has '/'"},
		// Without a profile, a vendor click id is left to the journey's
		// vtid rule, as before.
		{"vendor UUID without a profile", lostClicksStub{}, simulator.RoleVendor, uuid, "", uuid, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(nil, Options{})
			err := w.carry(c.trk, c.role, c.id)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("carry: %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if w.tid != c.tid || w.vtid != c.vtid || w.tracking["extclid"] != c.extclid {
				t.Errorf("tid %q vtid %q extclid %q, want %q %q %q", w.tid, w.vtid, w.tracking["extclid"], c.tid, c.vtid, c.extclid)
			}
		})
	}
}

// lostClicksStub is a Tracker that does not say where its click id travels.
type lostClicksStub struct{ Tracker }
