package buyer

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The element ids of cbsim serve's pages that a journey clicks
// (simulator/storefront): a sales page's buy links, the order form, an
// upsell page's answers.
const (
	BuyLinkPrefix = "buy-"       // a sales page's link to the order form of item SKU: id="buy-SKU"
	OrderFormID   = "order-form" // the order form
	AcceptID      = "accept"     // an upsell page's accept button
	DeclineID     = "decline"    // an upsell page's decline button
)

// Journey is what a buyer does, from a first URL to the end of the funnel.
type Journey struct {
	// Start is where the buyer starts: a tracker's campaign (click) URL, a
	// hoplink, a vendor's sales page or a pay link.
	Start string
	// Item is the buy link taken on a sales page: the item number (SKU);
	// "" = the first buy link.
	Item string
	// Fields are order form fields to set (card, name, email, country,
	// zip, ...), by their names on the form; the rest are sent as the form
	// has them.
	Fields map[string]string
	// Answers are the buyer's answers to the upsell offers in order: true
	// accepts; offers past the end are declined.
	Answers []bool
	// Abandon stops at the order form without buying.
	Abandon bool
}

// Step is one page of a journey: what the buyer did and where it landed.
type Step struct {
	Did  string // "visit", "buy ITEM", "order", "accept", "decline"
	Page *Page
}

// Walk runs j: it visits Start (following the tracker's and the hop's
// redirects), takes a buy link on a sales page, submits the order form,
// answers each upsell offer, and returns every page it landed on. Each
// step is passed to seen, if not nil, as it happens. A page that is not
// what the step expects (an error status, no order form) ends the walk
// with an error that names the page and the status.
func (b *Buyer) Walk(ctx context.Context, j Journey, seen func(Step)) ([]Step, error) {
	var steps []Step
	add := func(did string, p *Page) error {
		s := Step{Did: did, Page: p}
		steps = append(steps, s)
		if seen != nil {
			seen(s)
		}
		if p.Status >= 400 {
			return fmt.Errorf("%s: %s answered HTTP %d: %s", did, p.URL.Redacted(), p.Status, clip(p.Text(), 300))
		}
		return nil
	}
	p, err := b.Get(ctx, j.Start)
	if err != nil {
		return steps, err
	}
	if err := add("visit", p); err != nil {
		return steps, err
	}
	if _, err := p.Form(OrderFormID); err != nil {
		id, err := buyLink(p, j.Item)
		if err != nil {
			return steps, err
		}
		if p, err = b.Follow(ctx, p, id); err != nil {
			return steps, err
		}
		if err := add("buy "+strings.TrimPrefix(id, BuyLinkPrefix), p); err != nil {
			return steps, err
		}
	}
	if j.Abandon {
		return steps, nil
	}
	if p, err = b.Submit(ctx, p, OrderFormID, j.Fields); err != nil {
		return steps, err
	}
	if err := add("order", p); err != nil {
		return steps, err
	}
	for i := 0; ; i++ {
		if _, err := p.Form(AcceptID); err != nil {
			return steps, nil // no offer: the thank-you page
		}
		answer := DeclineID
		if i < len(j.Answers) && j.Answers[i] {
			answer = AcceptID
		}
		if i > 100 {
			return steps, errors.New("more than 100 upsell offers: the funnel does not end")
		}
		if p, err = b.Submit(ctx, p, answer, nil); err != nil {
			return steps, err
		}
		if err := add(answer, p); err != nil {
			return steps, err
		}
	}
}

// buyLink returns the id of the buy link for item on a sales page, or of
// the first when item is "".
func buyLink(p *Page, item string) (string, error) {
	var ids []string
	for _, id := range p.order {
		if strings.HasPrefix(id, BuyLinkPrefix) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("%s (HTTP %d, %q) is neither an order form nor a sales page with buy links", p.URL.Redacted(), p.Status, p.Title())
	}
	if item == "" {
		return ids[0], nil
	}
	id := BuyLinkPrefix + item
	if _, ok := p.links[id]; !ok {
		return "", fmt.Errorf("sales page %s has no buy link for item %s (it has: %s)", p.URL.Redacted(), item, strings.Join(ids, ", "))
	}
	return id, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ParseAnswers reads a buyer's answers to upsell offers (cbsim buy
// --accept): yes or no each (also y, n, true, false, a, d, accept,
// decline), comma-separated, in offer order; "" is none.
func ParseAnswers(s string) ([]bool, error) {
	if s == "" {
		return nil, nil
	}
	var out []bool
	for i, part := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "yes", "y", "true", "a", "accept":
			out = append(out, true)
		case "no", "n", "false", "d", "decline":
			out = append(out, false)
		default:
			return nil, fmt.Errorf("answer %d is %q: want yes or no", i+1, part)
		}
	}
	return out, nil
}
