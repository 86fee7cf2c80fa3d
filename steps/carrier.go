package steps

// Which ClickBank link parameter carries the tracker's click id: the
// hoplink's tid and the pay link's vtid, unless the tracker's profile names
// another (click.clickbank: extclid for a tracker whose click ids the TID
// rule drops, such as Orbitra's UUIDs).

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
)

// carrier is a tracker that says where its click id travels (Profiled):
// the parameter of the click's redirect it fills (ClickParam), and the
// ClickBank link parameter, and so the postback macro, that carries it
// (ClickBankParam).
type carrier interface {
	ClickParam(role simulator.Role) string
	ClickBankParam(role simulator.Role) string
	TrackerName() string
}

// defaultCarrier is the ClickBank link parameter that carries a click id
// of role when the tracker does not say: the hoplink's tid or the pay
// link's vtid.
func defaultCarrier(role simulator.Role) string {
	if role == simulator.RoleVendor {
		return "vtid"
	}
	return "tid"
}

// carriers returns the redirect's parameter and the ClickBank link
// parameter that carry t's click id for role.
func carriers(t Tracker, role simulator.Role) (landing, clickbank string) {
	if c, ok := t.(carrier); ok {
		return c.ClickParam(role), c.ClickBankParam(role)
	}
	return defaultCarrier(role), defaultCarrier(role)
}

// affiliateCarrier returns the ClickBank parameter that carries an
// affiliate's click id for the scenario's tracker, "tid" before the
// tracker is opened or when it does not say.
func (w *World) affiliateCarrier() string {
	if w.tracker == nil {
		return "tid"
	}
	_, cb := carriers(w.tracker, simulator.RoleAffiliate)
	return cb
}

// withCarrier returns an affiliate template with its click macro ({tid},
// and {click_id}, which is {tid} for an affiliate) replaced by the macro of
// the ClickBank parameter that carries the tracker's click id: what a QA
// sets up in ClickBank for a tracker whose click ids the TID rule drops.
func withCarrier(tmpl, cb string) string {
	if cb == "tid" || tmpl == "" {
		return tmpl
	}
	return strings.NewReplacer("{tid}", "{"+cb+"}", "{click_id}", "{"+cb+"}").Replace(tmpl)
}

// carry puts the click id value the tracker handed out for role where
// ClickBank carries it: the pay link's vtid, the hoplink's TID (unless a
// step set it), or the hoplink tracking parameter the profile names. A
// vendor click id that ClickBank's vtid rule refuses fails, naming why: no
// other pay-link parameter comes back in a vendor's postback.
func (w *World) carry(t Tracker, role simulator.Role, value string) error {
	_, cb := carriers(t, role)
	switch {
	case role == simulator.RoleVendor:
		if c, ok := t.(carrier); ok {
			if err := ids.ValidateVTID(value); err != nil {
				return fmt.Errorf("%s's click ids are %s; ClickBank's vtid allows only [A-Za-z0-9_] (%v): a vendor cannot carry them, and a pay link has no other parameter ClickBank returns in a vendor's postback",
					c.TrackerName(), idShape(value), err)
			}
		}
		w.vtid = value
	case cb != "tid":
		if err := simulator.ValidateTracking(map[string]string{cb: value}); err != nil {
			return fmt.Errorf("%s's click id %s cannot ride in the hoplink's %s: %v", trackerName(t), value, cb, err)
		}
		w.tracking[cb] = value
	case !w.tidSet:
		w.tid = value
	}
	return nil
}

// tidIsCarrier skips a step about the hoplink's TID when the tracker's
// click id does not travel in it: ClickBank's TID rules then touch no
// click id, and what the scenario shows cannot happen with this tracker
// (a *SkipError saying so; the click id's own carrier is checked by every
// other scenario). After a vendor's click it returns nil: the TID the
// scenario sets is then an affiliate's own click id beside the vendor's
// sale, not this tracker's, and the affiliate integration keeps {tid}
// (World.resolved).
func (w *World) tidIsCarrier() error {
	cb := w.affiliateCarrier()
	if cb == "tid" || w.clicked && w.clickRole == simulator.RoleVendor {
		return nil
	}
	why := ""
	if w.click.ID != "" {
		why = fmt.Sprintf(" (%s's click ids are %s)", trackerName(w.tracker), idShape(w.click.ID))
	}
	return &SkipError{Reason: fmt.Sprintf("this scenario is about the hoplink's TID, which does not carry the click id here: the tracker's profile carries an affiliate's click id in %s (click.clickbank), so ClickBank's TID rules never touch it%s",
		cb, why)}
}

// trackerName names t in messages: its profile's title without the
// parenthesis, "the tracker" when it has none.
func trackerName(t Tracker) string {
	if c, ok := t.(carrier); ok {
		return c.TrackerName()
	}
	return "the tracker"
}

var uuidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// idShape describes a click id for a message: "UUIDs (…)" or "like …".
func idShape(id string) string {
	if uuidShape.MatchString(id) {
		return "UUIDs (" + id + ")"
	}
	return "like " + id
}
