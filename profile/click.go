package profile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Click is what the tracker did with one visitor's click.
type Click struct {
	ID       string   // the click id the tracker handed out
	Landing  *url.URL // where the tracker sent the visitor; nil if it did not say
	Visitor  Visitor  // how the visitor looked to the tracker
	Campaign string   // the campaign clicked
	Status   int      // the HTTP status of the tracker's answer
}

// Click sends one visitor through the tracker's campaign of role
// (RoleAffiliate or RoleVendor) without following the redirect, and reads
// the click id as the profile says: from a parameter of the Location
// (click.param, tid and vtid unless it says) or from a field of a JSON
// reply (click.json.id). Each call is a new visitor: its own address in
// the profile's IP header and a user agent from the rotation.
//
// A tracker may hand out a click id and still not keep the click (see
// ClickKept); Click cannot tell, as the visitor could not.
func (t *Tracker) Click(ctx context.Context, role string) (Click, error) {
	if t.postbackOnly {
		return Click{}, fmt.Errorf("click: profile %s was bound for postbacks only", t.p.Name)
	}
	if !slices.Contains(roles(), role) {
		return Click{}, fmt.Errorf("click: unknown role %q; roles: %s", role, strings.Join(roles(), ", "))
	}
	campaign, err := t.campaignOf(ctx, role)
	if err != nil {
		return Click{}, err
	}
	vals := maps.Clone(t.vals)
	vals[phCampaign], vals[phRole] = campaign, role
	u, err := t.p.click.url.expand(vals)
	if err != nil {
		return Click{}, fmt.Errorf("click on %s: %w", campaign, err)
	}
	v := t.visitors.next()
	header := http.Header{"Accept": {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}}
	if t.p.click.idFrom == IDFromJSON {
		header.Set("Accept", "application/json")
	}
	if v.IP != "" {
		header.Set(t.p.visitors.ipHeader, v.IP)
	}
	if v.UserAgent != "" {
		header.Set("User-Agent", v.UserAgent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Click{}, fmt.Errorf("click on %s: %v", campaign, err)
	}
	req.Header = header
	resp, err := t.noFollow.Do(req)
	if err != nil {
		return Click{}, hint(fmt.Errorf("click on campaign %s (%s): %v", campaign, t.Redact(req.URL.Path), unwrapURL(err)),
			"is the tracker reachable at the --tracker URL?")
	}
	defer resp.Body.Close()
	c := Click{Visitor: v, Campaign: campaign, Status: resp.StatusCode}
	if t.p.click.idFrom == IDFromJSON {
		return t.clickJSON(c, resp)
	}
	return t.clickLocation(c, resp, role)
}

// clickLocation reads the click id from the redirect's Location.
func (t *Tracker) clickLocation(c Click, resp *http.Response, role string) (Click, error) {
	param := t.p.click.param[role]
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		body := readSome(resp)
		return Click{}, hint(fmt.Errorf("click on campaign %s answered HTTP %d, not a redirect: %s", c.Campaign, resp.StatusCode, t.Redact(firstBytes(body))),
			"check the campaign id (--campaign ROLE=ID) and click.url; a tracker that answers JSON needs click.id_from: json")
	}
	landing, err := resp.Location()
	if err != nil {
		return Click{}, fmt.Errorf("click on campaign %s redirected without a usable Location: %v", c.Campaign, err)
	}
	c.Landing = landing
	c.ID = landing.Query().Get(param)
	if c.ID == "" {
		macro := t.p.click.offerMacro
		if macro == "" {
			macro = "the tracker's click id macro"
		}
		return Click{}, hint(fmt.Errorf("click on campaign %s redirects to %s, which carries no %s=", c.Campaign, t.Redact(landing.String()), param),
			fmt.Sprintf("the campaign's offer URL must carry %s=%s (or set click.param to the parameter it uses)", param, macro))
	}
	if c.ID == t.p.click.offerMacro || strings.Contains(c.ID, "[[") || strings.HasPrefix(c.ID, "{") {
		return Click{}, hint(fmt.Errorf("click on campaign %s redirects with %s=%s: the tracker did not replace the macro", c.Campaign, param, c.ID),
			"the offer URL uses a macro this tracker does not fill; use the one its documentation names (click.offer_url_macro)")
	}
	return c, nil
}

// clickJSON reads the click id from a JSON reply.
func (t *Tracker) clickJSON(c Click, resp *http.Response) (Click, error) {
	body := readSome(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Click{}, hint(fmt.Errorf("click on campaign %s answered HTTP %d: %s", c.Campaign, resp.StatusCode, t.Redact(firstBytes(body))),
			"check the campaign id (--campaign ROLE=ID) and click.url")
	}
	v, err := decodeJSON([]byte(body))
	if err != nil {
		return Click{}, hint(fmt.Errorf("click on campaign %s: the reply is not JSON (%v): %s", c.Campaign, err, t.Redact(firstBytes(body))),
			"a tracker that redirects needs click.id_from: location")
	}
	id, ok := lookup(v, t.p.click.jsonID)
	if !ok || text(id) == "" {
		return Click{}, hint(fmt.Errorf("click on campaign %s: the reply has no %q: %s", c.Campaign, t.p.click.jsonID, t.Redact(firstBytes(body))),
			"set click.json.id to where the reply has the click id")
	}
	c.ID = text(id)
	if t.p.click.jsonLand != "" {
		if l, ok := lookup(v, t.p.click.jsonLand); ok && text(l) != "" {
			c.Landing, _ = url.Parse(text(l))
		}
	}
	return c, nil
}

// readSome reads the start of a reply for a message.
func readSome(resp *http.Response) string {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return string(b)
}

// unwrapURL drops a *url.Error's URL, which may hold a key.
func unwrapURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
