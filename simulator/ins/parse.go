package ins

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator/money"
)

// Parse reads a decrypted notification (what Decode returns) into a
// Notification, for cbsim's own tests and its CLI; the reference tracker
// has its own reader (DESIGN.md: the simulator and the tracker share no
// code). Amounts must be JSON numbers with at most two decimals; the
// version 6.0, 7.0 or 8.0 (6, 7 and 8 are accepted too); transactionTime
// and nextPaymentDate in the version's layout. Keys this package does not
// model are ignored; key order is not checked. For ClickBank's own bytes,
// Marshal gives back what Parse read.
//
// An error names the field: `ins: parse: lineItems[0].accountAmount: …`.
func Parse(plaintext []byte) (*Notification, error) {
	var raw rawNotification
	dec := json.NewDecoder(bytes.NewReader(plaintext))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("ins: parse: %w", err)
	}
	if dec.More() {
		return nil, errors.New("ins: parse: more than one JSON value")
	}
	p := &parser{}
	n := &Notification{
		Receipt:         raw.Receipt,
		TransactionType: TransactionType(raw.TransactionType),
		Vendor:          raw.Vendor,
		Affiliate:       raw.Affiliate,
		Role:            Role(raw.Role),
		PaymentMethod:   raw.PaymentMethod,
		Currency:        raw.Currency,
		OrderLanguage:   raw.OrderLanguage,
		TrackingCodes:   raw.TrackingCodes,
		DeclinedConsent: raw.DeclinedConsent,
		AttemptCount:    raw.AttemptCount,
	}
	n.Version = p.version(raw.Version)
	layout, _ := TimeLayout(n.Version)
	p.layout = layout
	n.TransactionTime = p.time("transactionTime", raw.TransactionTime)
	n.TotalAccountAmount = p.amount("totalAccountAmount", raw.TotalAccountAmount)
	n.TotalOrderAmount = p.amount("totalOrderAmount", raw.TotalOrderAmount)
	n.TotalTaxAmount = p.amount("totalTaxAmount", raw.TotalTaxAmount)
	n.TotalShippingAmount = p.amount("totalShippingAmount", raw.TotalShippingAmount)
	for i, rl := range raw.LineItems {
		at := fmt.Sprintf("lineItems[%d].", i)
		li := LineItem{
			ItemNo:          rl.ItemNo,
			ProductTitle:    rl.ProductTitle,
			Shippable:       rl.Shippable,
			Recurring:       rl.Recurring,
			AccountAmount:   p.amount(at+"accountAmount", rl.AccountAmount),
			Quantity:        rl.Quantity,
			DownloadURL:     rl.DownloadURL,
			LineItemType:    LineItemType(rl.LineItemType),
			ProductPrice:    p.amount(at+"productPrice", rl.ProductPrice),
			ProductDiscount: p.amount(at+"productDiscount", rl.ProductDiscount),
			TaxAmount:       p.amount(at+"taxAmount", rl.TaxAmount),
			ShippingAmount:  p.amount(at+"shippingAmount", rl.ShippingAmount),
			ShippingLiable:  rl.ShippingLiable,
		}
		if len(rl.AffiliatePayout) > 0 {
			v := p.amount(at+"affiliatePayout", rl.AffiliatePayout)
			li.AffiliatePayout = &v
		}
		if rp := rl.PaymentPlan; rp != nil {
			li.PaymentPlan = &PaymentPlan{
				RebillStatus:      rp.RebillStatus,
				RebillFrequency:   rp.RebillFrequency,
				RebillAmount:      p.amount(at+"paymentPlan.rebillAmount", rp.RebillAmount),
				PaymentsProcessed: rp.PaymentsProcessed,
				PaymentsRemaining: rp.PaymentsRemaining,
			}
			if rp.NextPaymentDate != "" {
				li.PaymentPlan.NextPaymentDate = p.time(at+"paymentPlan.nextPaymentDate", rp.NextPaymentDate)
			}
		}
		n.LineItems = append(n.LineItems, li)
	}
	if rc := raw.Customer; rc != nil {
		n.Customer = &Customer{Shipping: rc.Shipping.contact(), Billing: rc.Billing.contact()}
	}
	if ru := raw.Upsell; ru != nil {
		u := UpsellBlock(*ru)
		n.Upsell = &u
	}
	if rh := raw.Hopfeed; rh != nil {
		n.Hopfeed = &Hopfeed{
			HopfeedClickID:           rh.HopfeedClickID,
			HopfeedApplicationID:     rh.HopfeedApplicationID,
			HopfeedCreativeID:        rh.HopfeedCreativeID,
			HopfeedApplicationPayout: p.amount("hopfeed.hopfeedApplicationPayout", rh.HopfeedApplicationPayout),
			HopfeedVendorPayout:      p.amount("hopfeed.hopfeedVendorPayout", rh.HopfeedVendorPayout),
		}
	}
	n.VendorVariables = p.params("vendorVariables", raw.VendorVariables)
	n.AffiliateTrackingParameters = p.params("affiliateTrackingParameters", raw.AffiliateTrackingParameters)
	n.CommonTrackingParameters = p.params("commonTrackingParameters", raw.CommonTrackingParameters)
	if p.err != nil {
		return nil, p.err
	}
	return n, nil
}

// parser converts the raw fields, keeping the first error.
type parser struct {
	layout string
	err    error
}

func (p *parser) fail(field, format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("ins: parse: %s: %s", field, fmt.Sprintf(format, args...))
	}
}

func (p *parser) version(raw json.RawMessage) string {
	v := string(raw)
	switch v {
	case "6", "6.0":
		return Version6
	case "7", "7.0":
		return Version7
	case "8", "8.0":
		return Version8
	}
	p.fail("version", "%q: want the number %s", v, joinNames(Versions))
	return v
}

func (p *parser) time(field, s string) time.Time {
	if p.layout == "" {
		return time.Time{} // the version already failed
	}
	t, err := time.Parse(p.layout, s)
	if err != nil {
		p.fail(field, "%q is not in the version's layout %s", s, p.layout)
	}
	return t
}

// amount reads a JSON number with at most two decimals; absent is 0.00.
// A string ("1.00") is refused: ClickBank prints amounts as numbers.
func (p *parser) amount(field string, v json.RawMessage) money.Cents {
	if len(v) == 0 {
		return 0
	}
	s, neg := string(v), false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		s, neg = rest, true
	}
	c, err := money.Parse(s)
	if err != nil {
		p.fail(field, "%s", err)
		return 0
	}
	if neg {
		c = -c
	}
	return c
}

// params reads an object of strings in its key order.
func (p *parser) params(field string, raw json.RawMessage) Params {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		p.fail(field, "not an object of strings")
		return nil
	}
	var ps Params
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			p.fail(field, "%s", err)
			return nil
		}
		v, err := dec.Token()
		s, ok := v.(string)
		if err != nil || !ok {
			p.fail(field+"."+k.(string), "not a string")
			return nil
		}
		ps = append(ps, Param{k.(string), s})
	}
	return ps
}

// rawNotification is the notification as encoding/json reads it.
type rawNotification struct {
	TransactionTime             string          `json:"transactionTime"`
	Receipt                     string          `json:"receipt"`
	TransactionType             string          `json:"transactionType"`
	Vendor                      string          `json:"vendor"`
	Affiliate                   string          `json:"affiliate"`
	Role                        string          `json:"role"`
	TotalAccountAmount          json.RawMessage `json:"totalAccountAmount"`
	PaymentMethod               string          `json:"paymentMethod"`
	TotalOrderAmount            json.RawMessage `json:"totalOrderAmount"`
	TotalTaxAmount              json.RawMessage `json:"totalTaxAmount"`
	TotalShippingAmount         json.RawMessage `json:"totalShippingAmount"`
	Currency                    string          `json:"currency"`
	OrderLanguage               string          `json:"orderLanguage"`
	TrackingCodes               []string        `json:"trackingCodes"`
	DeclinedConsent             *bool           `json:"declinedConsent"`
	LineItems                   []rawLineItem   `json:"lineItems"`
	Customer                    *rawCustomer    `json:"customer"`
	Upsell                      *rawUpsell      `json:"upsell"`
	Hopfeed                     *rawHopfeed     `json:"hopfeed"`
	Version                     json.RawMessage `json:"version"`
	AttemptCount                int             `json:"attemptCount"`
	VendorVariables             json.RawMessage `json:"vendorVariables"`
	AffiliateTrackingParameters json.RawMessage `json:"affiliateTrackingParameters"`
	CommonTrackingParameters    json.RawMessage `json:"commonTrackingParameters"`
}

type rawLineItem struct {
	ItemNo        string          `json:"itemNo"`
	ProductTitle  string          `json:"productTitle"`
	Shippable     bool            `json:"shippable"`
	Recurring     bool            `json:"recurring"`
	AccountAmount json.RawMessage `json:"accountAmount"`
	Quantity      int             `json:"quantity"`
	PaymentPlan   *struct {
		RebillStatus      string          `json:"rebillStatus"`
		RebillFrequency   string          `json:"rebillFrequency"`
		RebillAmount      json.RawMessage `json:"rebillAmount"`
		PaymentsProcessed int             `json:"paymentsProcessed"`
		PaymentsRemaining int             `json:"paymentsRemaining"`
		NextPaymentDate   string          `json:"nextPaymentDate"`
	} `json:"paymentPlan"`
	DownloadURL     string          `json:"downloadUrl"`
	LineItemType    string          `json:"lineItemType"`
	ProductPrice    json.RawMessage `json:"productPrice"`
	ProductDiscount json.RawMessage `json:"productDiscount"`
	AffiliatePayout json.RawMessage `json:"affiliatePayout"`
	TaxAmount       json.RawMessage `json:"taxAmount"`
	ShippingAmount  json.RawMessage `json:"shippingAmount"`
	ShippingLiable  bool            `json:"shippingLiable"`
}

type rawUpsell struct {
	UpsellOriginalReceipt string `json:"upsellOriginalReceipt"`
	UpsellFlowID          int    `json:"upsellFlowId"`
	UpsellSession         string `json:"upsellSession"`
	UpsellPath            string `json:"upsellPath"`
}

type rawCustomer struct {
	Shipping *rawContact `json:"shipping"`
	Billing  *rawContact `json:"billing"`
}

type rawContact struct {
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	FullName    string `json:"fullName"`
	PhoneNumber string `json:"phoneNumber"`
	Email       string `json:"email"`
	Address     struct {
		Address1   string `json:"address1"`
		Address2   string `json:"address2"`
		City       string `json:"city"`
		County     string `json:"county"`
		State      string `json:"state"`
		PostalCode string `json:"postalCode"`
		Country    string `json:"country"`
	} `json:"address"`
}

func (c *rawContact) contact() *Contact {
	if c == nil {
		return nil
	}
	return &Contact{
		FirstName: c.FirstName, LastName: c.LastName, FullName: c.FullName,
		PhoneNumber: c.PhoneNumber, Email: c.Email, Address: Address(c.Address),
	}
}

type rawHopfeed struct {
	HopfeedClickID           string          `json:"hopfeedClickId"`
	HopfeedApplicationID     int             `json:"hopfeedApplicationId"`
	HopfeedCreativeID        int             `json:"hopfeedCreativeId"`
	HopfeedApplicationPayout json.RawMessage `json:"hopfeedApplicationPayout"`
	HopfeedVendorPayout      json.RawMessage `json:"hopfeedVendorPayout"`
}
