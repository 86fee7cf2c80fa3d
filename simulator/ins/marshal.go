package ins

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cbsim/cbsim/simulator/money"
)

// The transactionTime layouts (docs/clickbank.md §6): 6.0 prints RFC 3339
// with a colon in the offset, 7.0 and 8.0 the ISO 8601 basic form.
const (
	TimeLayout6 = "2006-01-02T15:04:05-07:00"
	TimeLayout7 = "20060102T150405-0700"
)

// TimeLayout returns the transactionTime layout of version v.
func TimeLayout(v string) (string, error) {
	switch v {
	case Version6:
		return TimeLayout6, nil
	case Version7, Version8:
		return TimeLayout7, nil
	}
	return "", fmt.Errorf("unknown INS version %q: want %s", v, joinNames(Versions))
}

// Marshal prints n as ClickBank prints a notification of n.Version: the
// keys in ClickBank's order, no spaces, amounts as JSON numbers with two
// decimals (1.00), the version as 7.0, transactionTime in the version's
// layout, strings escaped as JSON requires and nothing more (no \/, no
// \u0026; non-ASCII stays UTF-8). Empty optional fields are omitted, never
// null (docs/clickbank.md §6).
//
// It fails for an unknown version, a string that is not valid UTF-8
// (naming the field) or a notification without a receipt, type, vendor or
// role.
func (n *Notification) Marshal() ([]byte, error) {
	layout, err := TimeLayout(n.Version)
	if err != nil {
		return nil, fmt.Errorf("ins: marshal: %w", err)
	}
	for _, f := range []struct{ name, v string }{
		{"receipt", n.Receipt}, {"transactionType", string(n.TransactionType)},
		{"vendor", n.Vendor}, {"role", string(n.Role)},
	} {
		if f.v == "" {
			return nil, fmt.Errorf("ins: marshal: %s is empty: every notification has one", f.name)
		}
	}
	w := &writer{layout: layout, buf: make([]byte, 0, 2048)}
	v7 := n.Version != Version6
	w.open('{')
	w.str("transactionTime", w.time(n.TransactionTime))
	w.str("receipt", n.Receipt)
	w.str("transactionType", string(n.TransactionType))
	w.str("vendor", n.Vendor)
	w.optStr("affiliate", n.Affiliate)
	w.str("role", string(n.Role))
	w.amount("totalAccountAmount", n.TotalAccountAmount)
	w.optStr("paymentMethod", n.PaymentMethod)
	w.amount("totalOrderAmount", n.TotalOrderAmount)
	w.amount("totalTaxAmount", n.TotalTaxAmount)
	w.amount("totalShippingAmount", n.TotalShippingAmount)
	w.str("currency", n.Currency)
	w.optStr("orderLanguage", n.OrderLanguage)
	if len(n.TrackingCodes) > 0 {
		w.key("trackingCodes")
		w.open('[')
		for i, c := range n.TrackingCodes {
			w.comma()
			w.quote(fmt.Sprintf("trackingCodes[%d]", i), c)
		}
		w.close(']')
	}
	if n.DeclinedConsent != nil {
		w.boolean("declinedConsent", *n.DeclinedConsent)
	}
	w.key("lineItems")
	w.open('[')
	for i := range n.LineItems {
		w.comma()
		w.lineItem(fmt.Sprintf("lineItems[%d].", i), &n.LineItems[i], v7)
	}
	w.close(']')
	if c := n.Customer; c != nil {
		w.key("customer")
		w.open('{')
		w.contact("shipping", c.Shipping)
		w.contact("billing", c.Billing)
		w.close('}')
	}
	if u := n.Upsell; u != nil {
		w.key("upsell")
		w.open('{')
		w.optStr("upsellOriginalReceipt", u.UpsellOriginalReceipt)
		w.optInt("upsellFlowId", u.UpsellFlowID)
		w.optStr("upsellSession", u.UpsellSession)
		w.optStr("upsellPath", u.UpsellPath)
		w.close('}')
	}
	if h := n.Hopfeed; h != nil {
		w.key("hopfeed")
		w.open('{')
		w.optStr("hopfeedClickId", h.HopfeedClickID)
		w.optInt("hopfeedApplicationId", h.HopfeedApplicationID)
		w.optInt("hopfeedCreativeId", h.HopfeedCreativeID)
		w.amount("hopfeedApplicationPayout", h.HopfeedApplicationPayout)
		w.amount("hopfeedVendorPayout", h.HopfeedVendorPayout)
		w.close('}')
	}
	w.key("version")
	w.raw(n.Version)
	w.integer("attemptCount", n.AttemptCount)
	w.params("vendorVariables", n.VendorVariables)
	if n.Version == Version8 {
		w.params("affiliateTrackingParameters", n.AffiliateTrackingParameters)
		w.params("commonTrackingParameters", n.CommonTrackingParameters)
	}
	w.close('}')
	if w.err != nil {
		return nil, w.err
	}
	return w.buf, nil
}

func (w *writer) lineItem(path string, li *LineItem, v7 bool) {
	w.open('{')
	w.prefix = path
	w.str("itemNo", li.ItemNo)
	w.str("productTitle", li.ProductTitle)
	w.boolean("shippable", li.Shippable)
	w.boolean("recurring", li.Recurring)
	w.amount("accountAmount", li.AccountAmount)
	w.integer("quantity", li.Quantity)
	if p := li.PaymentPlan; p != nil {
		w.key("paymentPlan")
		w.open('{')
		w.prefix = path + "paymentPlan."
		w.str("rebillStatus", p.RebillStatus)
		w.str("rebillFrequency", p.RebillFrequency)
		w.amount("rebillAmount", p.RebillAmount)
		w.integer("paymentsProcessed", p.PaymentsProcessed)
		w.integer("paymentsRemaining", p.PaymentsRemaining)
		if !p.NextPaymentDate.IsZero() {
			w.str("nextPaymentDate", w.time(p.NextPaymentDate))
		}
		w.close('}')
		w.prefix = path
	}
	w.optStr("downloadUrl", li.DownloadURL)
	w.str("lineItemType", string(li.LineItemType))
	if v7 {
		w.amount("productPrice", li.ProductPrice)
		w.amount("productDiscount", li.ProductDiscount)
		if li.AffiliatePayout != nil {
			w.amount("affiliatePayout", *li.AffiliatePayout)
		}
		w.amount("taxAmount", li.TaxAmount)
		w.amount("shippingAmount", li.ShippingAmount)
		w.boolean("shippingLiable", li.ShippingLiable)
	}
	w.prefix = ""
	w.close('}')
}

func (w *writer) contact(name string, c *Contact) {
	if c == nil {
		return
	}
	w.key(name)
	w.open('{')
	w.prefix = "customer." + name + "."
	w.optStr("firstName", c.FirstName)
	w.optStr("lastName", c.LastName)
	w.optStr("fullName", c.FullName)
	w.optStr("phoneNumber", c.PhoneNumber)
	w.optStr("email", c.Email)
	w.key("address")
	w.open('{')
	w.prefix = "customer." + name + ".address."
	a := c.Address
	w.optStr("address1", a.Address1)
	w.optStr("address2", a.Address2)
	w.optStr("city", a.City)
	w.optStr("county", a.County)
	w.optStr("state", a.State)
	w.optStr("postalCode", a.PostalCode)
	w.optStr("country", a.Country)
	w.close('}')
	w.prefix = ""
	w.close('}')
}

// writer appends compact JSON to buf. first says whether the container
// just opened has no member yet; prefix names the object being written in
// errors; the first error is kept in err.
type writer struct {
	buf    []byte
	layout string
	first  bool
	prefix string
	err    error
}

func (w *writer) open(c byte) { w.buf = append(w.buf, c); w.first = true }
func (w *writer) close(c byte) {
	w.buf = append(w.buf, c)
	w.first = false
}

func (w *writer) comma() {
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
}

func (w *writer) key(k string) {
	w.comma()
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, k...)
	w.buf = append(w.buf, '"', ':')
}

func (w *writer) raw(s string) { w.buf = append(w.buf, s...) }

func (w *writer) str(k, v string) {
	w.key(k)
	w.quote(w.prefix+k, v)
}

func (w *writer) optStr(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *writer) amount(k string, c money.Cents) {
	w.key(k)
	w.raw(c.String())
}

func (w *writer) integer(k string, v int) {
	w.key(k)
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
}

func (w *writer) optInt(k string, v int) {
	if v != 0 {
		w.integer(k, v)
	}
}

func (w *writer) boolean(k string, v bool) {
	w.key(k)
	w.buf = strconv.AppendBool(w.buf, v)
}

func (w *writer) params(k string, ps Params) {
	if len(ps) == 0 {
		return
	}
	w.key(k)
	w.open('{')
	for _, p := range ps {
		w.comma()
		w.quote(k+" key", p.Name)
		w.buf = append(w.buf, ':')
		w.quote(k+"."+p.Name, p.Value)
	}
	w.close('}')
}

func (w *writer) time(t time.Time) string { return t.Format(w.layout) }

// quote appends s as a JSON string: the quote, the backslash and control
// characters escaped (\n, \r, \t, \b, \f or \u00XX), everything else as
// is. field names s in the error for invalid UTF-8.
func (w *writer) quote(field, s string) {
	if !utf8.ValidString(s) && w.err == nil {
		w.err = fmt.Errorf("ins: marshal: %s is not valid UTF-8: %q", field, s)
	}
	const hex = "0123456789abcdef"
	w.buf = append(w.buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			w.buf = append(w.buf, '\\', c)
		case c == '\n':
			w.buf = append(w.buf, '\\', 'n')
		case c == '\r':
			w.buf = append(w.buf, '\\', 'r')
		case c == '\t':
			w.buf = append(w.buf, '\\', 't')
		case c == '\b':
			w.buf = append(w.buf, '\\', 'b')
		case c == '\f':
			w.buf = append(w.buf, '\\', 'f')
		case c < 0x20:
			w.buf = append(w.buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			w.buf = append(w.buf, c)
		}
	}
	w.buf = append(w.buf, '"')
}
