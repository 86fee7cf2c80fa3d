package profile

import (
	"context"
	"fmt"
	"maps"
	"net/http"
)

// campaignOf returns the campaign of role: the one given, or the one the
// profile's campaigns: section finds by its title or creates.
func (t *Tracker) campaignOf(ctx context.Context, role string) (string, error) {
	if id := t.campaign[role]; id != "" {
		return id, nil
	}
	c := t.p.campaigns
	if c == nil {
		if !t.usesCampaign() {
			return "", nil
		}
		return "", fmt.Errorf("no %s campaign: give --campaign %s=ID", role, role)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id := t.created[role]; id != "" {
		return id, nil
	}
	vals := maps.Clone(t.vals)
	vals[phRole] = role
	title, err := c.title.expand(vals)
	if err != nil {
		return "", err
	}
	vals[phTitle] = title
	vals[phOfferURL] = t.offers[role]
	id, err := t.findOrCreate(ctx, c, vals)
	if err != nil {
		return "", hint(fmt.Errorf("no %s campaign was given and finding or creating %q failed: %w", role, title, err),
			fmt.Sprintf("give the campaign's id with --campaign %s=ID", role))
	}
	t.created[role] = id
	return id, nil
}

// usesCampaign says whether the click URL has {campaign}.
func (t *Tracker) usesCampaign() bool {
	for _, n := range t.p.click.url.names() {
		if n == phCampaign {
			return true
		}
	}
	return false
}

// findOrCreate finds the campaign titled vals[title], or creates it; a
// create refused 409 (made meanwhile by another run) is found again.
func (t *Tracker) findOrCreate(ctx context.Context, c *campaignSpec, vals map[string]string) (string, error) {
	find := func() (string, error) {
		if c.findURL == nil {
			return "", nil
		}
		u, err := c.findURL.expand(vals)
		if err != nil {
			return "", err
		}
		reply, err := t.fetch(ctx, http.MethodGet, u, nil, nil)
		if err != nil {
			return "", err
		}
		list, ok := lookup(reply, c.findList)
		arr, isArr := list.([]any)
		if !ok || !isArr {
			return "", fmt.Errorf("the campaigns reply has no list at %q", c.findList)
		}
		for _, it := range arr {
			obj, ok := it.(map[string]any)
			if !ok {
				continue
			}
			if title, _ := lookup(obj, c.findTitle); text(title) == vals[phTitle] {
				if id, ok := lookup(obj, c.findID); ok && text(id) != "" {
					return text(id), nil
				}
			}
		}
		return "", nil
	}
	if id, err := find(); id != "" || err != nil {
		return id, err
	}
	if c.createURL == nil {
		return "", fmt.Errorf("the tracker lists no campaign titled %q", vals[phTitle])
	}
	u, err := c.createURL.expand(vals)
	if err != nil {
		return "", err
	}
	body, err := c.createBody.expand(vals)
	if err != nil {
		return "", err
	}
	status, raw, where, err := t.send(ctx, t.noFollow, http.MethodPost, u, http.Header{"Content-Type": {"application/json"}}, []byte(body))
	if err != nil {
		return "", err
	}
	if status == http.StatusConflict {
		if id, err := find(); id != "" || err != nil {
			return id, err
		}
	}
	if status < 200 || status > 299 {
		return "", fmt.Errorf("%s: HTTP %d: %s", where, status, t.Redact(firstBytes(string(raw))))
	}
	reply, err := decodeJSON(raw)
	if err != nil {
		return "", fmt.Errorf("%s: the reply is not JSON: %s", where, t.Redact(firstBytes(string(raw))))
	}
	id, ok := lookup(reply, c.createID)
	if !ok || text(id) == "" {
		return "", fmt.Errorf("%s: the reply has no %q", where, c.createID)
	}
	return text(id), nil
}
