package profile

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Parts of a tracker Check probes, in the order it probes them.
const (
	PartClick    = "click"
	PartPostback = "postback"
	PartRead     = "read"
	PartRefusal  = "refusal"
)

// ProbeCents is the sum of the conversion Check posts (1.37): small, and
// unlike the sums of a simulated funnel, so that it is recognized when
// read back.
const ProbeCents = 137

// DefaultCheckWait is how long Check waits for the tracker to record what
// it was sent (clicks written after the redirect, queued postbacks) when
// the context has no deadline.
const DefaultCheckWait = 10 * time.Second

// CheckResult is how one part of the profile fared against the tracker.
type CheckResult struct {
	Part   string // PartClick, PartPostback, PartRead or PartRefusal
	OK     bool
	Detail string // what was sent and what came back; secrets hidden
	Fix    string // what to change when not OK ("" when OK)
}

// String prints "ok   click: detail" or "FAIL click: detail — fix: …".
func (r CheckResult) String() string {
	if r.OK {
		return fmt.Sprintf("ok   %s: %s", r.Part, r.Detail)
	}
	return fmt.Sprintf("FAIL %s: %s — fix: %s", r.Part, r.Detail, r.Fix)
}

// Check probes the tracker part by part with the profile: a click on the
// affiliate campaign (and, where the profile reads clicks, whether the
// tracker kept it); a postback of ProbeCents for that click, with a
// transaction id where the tracker takes one; a read that must find that
// conversion; and a postback for a click id never issued, which the
// profile's refused: must recognize. A part that cannot run because an
// earlier one failed says so. It polls for what the tracker records until
// ctx's deadline, or DefaultCheckWait.
func Check(ctx context.Context, t *Tracker) []CheckResult {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(DefaultCheckWait)
	}
	var out []CheckResult

	click, err := t.Click(ctx, RoleAffiliate)
	cr := CheckResult{Part: PartClick}
	kept, keptErr := true, error(nil)
	if err != nil {
		cr.Detail, cr.Fix = err.Error(), fixOf(err, "check click: in the profile and --campaign affiliate=ID")
	} else {
		cr.OK = true
		cr.Detail = fmt.Sprintf("campaign %s gave click id %s to visitor %s", click.Campaign, click.ID, visitorText(click.Visitor))
		if t.clicks != nil {
			// A third of the time left: a clicks log may lag, and the
			// postback below tells a lagging log from a dropped click.
			wait := time.Now().Add(time.Until(deadline) / 3)
			kept, keptErr = poll(ctx, wait, func() (bool, error) { return t.ClickKept(ctx, click.ID) })
		}
	}

	pr := CheckResult{Part: PartPostback}
	posted, refused := false, false
	if click.ID == "" {
		pr.Detail, pr.Fix = "not probed: no click id", "fix the click first"
	} else {
		fields := map[string]string{FieldClickID: click.ID, FieldSum: FormatCents(ProbeCents)}
		if _, ok := t.fields[FieldTransactionID]; ok {
			fields[FieldTransactionID] = "cbsim-check-" + click.ID
		}
		u, _ := t.PostbackURL(fields)
		status, body, err := t.postback(ctx, u)
		switch {
		case err != nil:
			pr.Detail, pr.Fix = err.Error(), fixOf(err, "check postback.url and the --tracker URL")
		case t.Refused(status, body):
			refused = true
			pr.Detail = fmt.Sprintf("%s was refused: HTTP %d %s", t.Redact(u), status, t.Redact(firstBytes(string(body))))
			pr.Fix = fmt.Sprintf("the tracker refused a postback for a click it just handed out: check postback.url, postback.fields.click_id (sent as %s), and whether the click was kept", t.fields[FieldClickID])
		case status < 200 || status > 299:
			pr.Detail = fmt.Sprintf("%s answered HTTP %d %s", t.Redact(u), status, t.Redact(firstBytes(string(body))))
			pr.Fix = "check postback.url; if this status means the tracker refused, list it under postback.refused.status"
		default:
			pr.OK, posted = true, true
			pr.Detail = fmt.Sprintf("%s answered HTTP %d", t.Redact(u), status)
		}
	}

	if click.ID != "" && t.clicks != nil {
		switch {
		case keptErr != nil:
			cr.Detail += "; reading it back failed: " + keptErr.Error()
		case kept:
			cr.Detail += "; the tracker kept it"
		case refused:
			cr.OK = false
			cr.Detail += "; but the tracker did not keep the click, and refused its postback"
			cr.Fix = "the tracker drops this visitor's clicks"
			if nk := t.p.click.notKept; nk != "" {
				cr.Fix += " (" + nk + ")"
			}
			cr.Fix += "; check visitors: (ip_header, ip_ranges, user_agents) and the campaign's filters"
			pr.Fix = "the click was not kept, so its postback was refused: fix the click first (a lost click, not a lost conversion)"
		default:
			cr.Detail += "; not in the clicks log yet (it may lag), but its postback was taken"
		}
	}
	out = append(out, cr, pr)

	out = append(out, t.checkRead(ctx, deadline, click.ID, posted))

	rr := CheckResult{Part: PartRefusal}
	u, _ := t.PostbackURL(map[string]string{FieldClickID: "cbsim-check-unknown-click", FieldSum: FormatCents(ProbeCents)})
	status, body, err := t.postback(ctx, u)
	switch {
	case err != nil:
		rr.Detail, rr.Fix = err.Error(), fixOf(err, "check postback.url and the --tracker URL")
	case !t.Refused(status, body):
		rr.Detail = fmt.Sprintf("a postback for a click id never issued answered HTTP %d %s, which the profile does not count as refused", status, t.Redact(firstBytes(string(body))))
		rr.Fix = "set postback.refused (status:, body_contains:) to what this tracker answers when it refuses"
	default:
		rr.OK = true
		rr.Detail = fmt.Sprintf("a postback for a click id never issued was refused: HTTP %d", status)
	}
	return append(out, rr)
}

// checkRead probes the reader: it must find the probe conversion when one
// was posted, and at least answer when none was.
func (t *Tracker) checkRead(ctx context.Context, deadline time.Time, clickID string, posted bool) CheckResult {
	r := CheckResult{Part: PartRead}
	if t.conv == nil {
		r.Detail, r.Fix = "the profile has no reader of conversions", "add read.conversions (http: or sql:)"
		return r
	}
	if !posted {
		if clickID == "" {
			clickID = "cbsim-check-no-click"
		}
		cs, err := t.Conversions(ctx, clickID)
		if err != nil {
			r.Detail, r.Fix = err.Error(), fixOf(err, "check read.conversions")
			return r
		}
		r.OK = true
		r.Detail = fmt.Sprintf("the reader answers (%d conversions for %s), but nothing was posted to find: not verified", len(cs), clickID)
		return r
	}
	var found *Conversion
	var seen []Conversion
	_, err := poll(ctx, deadline, func() (bool, error) {
		cs, err := t.Conversions(ctx, clickID)
		seen = cs
		for i := range cs {
			if cs[i].Payout == ProbeCents {
				found = &cs[i]
				return true, nil
			}
		}
		return false, err
	})
	switch {
	case err != nil:
		r.Detail, r.Fix = err.Error(), fixOf(err, "check read.conversions")
	case found == nil && len(seen) > 0:
		r.Detail = fmt.Sprintf("%d conversions for %s, none with the probe's payout %s (first: %s)", len(seen), clickID, FormatCents(ProbeCents), FormatCents(seen[0].Payout))
		r.Fix = "check fields.sum and money: (decimal or cents) of read.conversions"
	case found == nil:
		r.Detail = fmt.Sprintf("no conversion for click %s before the deadline", clickID)
		r.Fix = "check read.conversions: its url/query or SQL query, fields.click_id, and the window ({date_from}…); or the tracker queues postbacks for longer than the check waits"
	default:
		r.OK = true
		r.Detail = fmt.Sprintf("found the probe conversion for %s: payout %s", clickID, FormatCents(found.Payout))
		if found.TransactionID != "" {
			r.Detail += ", transaction " + found.TransactionID
		}
	}
	return r
}

// postback sends one postback and returns the reply.
func (t *Tracker) postback(ctx context.Context, u string) (int, []byte, error) {
	status, body, _, err := t.send(ctx, t.noFollow, http.MethodGet, u, http.Header{"Accept": {"*/*"}}, nil)
	return status, body, err
}

// poll calls f until it says done or fails, ctx ends or the deadline
// passes, waiting 50 ms at first and twice as long each time, up to 1 s.
func poll(ctx context.Context, deadline time.Time, f func() (bool, error)) (bool, error) {
	wait := 50 * time.Millisecond
	for {
		done, err := f()
		if done || err != nil {
			return done, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		timer := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			timer.Stop()
			return false, ctx.Err()
		case <-timer.C:
		}
		wait = min(2*wait, time.Second)
	}
}

// fixOf returns the fix an error carries, or def.
func fixOf(err error, def string) string {
	if fix := Fix(err); fix != "" {
		return fix
	}
	return def
}

// visitorText prints a visitor for a detail.
func visitorText(v Visitor) string {
	var parts []string
	if v.IP != "" {
		parts = append(parts, v.IP)
	}
	if v.UserAgent != "" {
		ua := v.UserAgent
		if len(ua) > 40 {
			ua = ua[:40] + "…"
		}
		parts = append(parts, fmt.Sprintf("%q", ua))
	}
	if len(parts) == 0 {
		return "(no address or user agent sent)"
	}
	return strings.Join(parts, " ")
}
