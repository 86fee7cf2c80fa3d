package ins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator/money"
)

// The documented key orders, written out from docs/clickbank.md §6 ("Field
// order") and not from the marshaller: each object's keys must appear in
// this relative order, and no others.
var (
	docTop6 = []string{"transactionTime", "receipt", "transactionType", "vendor", "affiliate",
		"role", "totalAccountAmount", "paymentMethod", "totalOrderAmount", "totalTaxAmount",
		"totalShippingAmount", "currency", "orderLanguage", "trackingCodes", "declinedConsent",
		"lineItems", "customer", "upsell", "hopfeed", "version", "attemptCount", "vendorVariables"}
	docTop8      = append(slices.Clone(docTop6), "affiliateTrackingParameters", "commonTrackingParameters")
	docLineItem6 = []string{"itemNo", "productTitle", "shippable", "recurring", "accountAmount",
		"quantity", "paymentPlan", "downloadUrl", "lineItemType"}
	docLineItem7 = append(slices.Clone(docLineItem6), "productPrice", "productDiscount",
		"affiliatePayout", "taxAmount", "shippingAmount", "shippingLiable")
	docPaymentPlan = []string{"rebillStatus", "rebillFrequency", "rebillAmount", "paymentsProcessed",
		"paymentsRemaining", "nextPaymentDate"}
	docCustomer = []string{"shipping", "billing"}
	docContact  = []string{"firstName", "lastName", "fullName", "phoneNumber", "email", "address"}
	docAddress  = []string{"address1", "address2", "city", "county", "state", "postalCode", "country"}
	docUpsell   = []string{"upsellOriginalReceipt", "upsellFlowId", "upsellSession", "upsellPath"}
	docHopfeed  = []string{"hopfeedClickId", "hopfeedApplicationId", "hopfeedCreativeId",
		"hopfeedApplicationPayout", "hopfeedVendorPayout"}
	// docRequired are the top-level keys every notification carries.
	docRequired = []string{"transactionTime", "receipt", "transactionType", "vendor", "role",
		"totalAccountAmount", "totalOrderAmount", "currency", "lineItems", "version", "attemptCount"}
	// docAmounts are the keys whose values are amounts: numbers with two
	// decimals. docIntegers are the integer keys.
	docAmounts = []string{"totalAccountAmount", "totalOrderAmount", "totalTaxAmount",
		"totalShippingAmount", "accountAmount", "rebillAmount", "productPrice", "productDiscount",
		"affiliatePayout", "taxAmount", "shippingAmount", "hopfeedApplicationPayout", "hopfeedVendorPayout"}
	docIntegers = []string{"quantity", "paymentsProcessed", "paymentsRemaining", "upsellFlowId",
		"attemptCount", "hopfeedApplicationId", "hopfeedCreativeId"}
	// docTime is each version's transactionTime form.
	docTime = map[string]*regexp.Regexp{
		Version6: regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`),
		Version7: regexp.MustCompile(`^\d{8}T\d{6}[+-]\d{4}$`),
		Version8: regexp.MustCompile(`^\d{8}T\d{6}[+-]\d{4}$`),
	}
)

// schema gives, for a version, the documented key list of the object at a
// path ("" is the top level; arrays add "[]").
func schema(version, path string) []string {
	switch path {
	case "":
		if version == Version8 {
			return docTop8
		}
		return docTop6
	case "lineItems[]":
		if version == Version6 {
			return docLineItem6
		}
		return docLineItem7
	case "lineItems[].paymentPlan":
		return docPaymentPlan
	case "customer":
		return docCustomer
	case "customer.shipping", "customer.billing":
		return docContact
	case "customer.shipping.address", "customer.billing.address":
		return docAddress
	case "upsell":
		return docUpsell
	case "hopfeed":
		return docHopfeed
	case "vendorVariables", "affiliateTrackingParameters", "commonTrackingParameters":
		return nil // free keys
	}
	return []string{}
}

// TestGoldenKeyOrder reads each golden file token by token and checks every
// object's keys against the documented order for its version, every
// amount's two decimals, the version's number form and time layout, and
// that nothing is null.
func TestGoldenKeyOrder(t *testing.T) {
	for _, g := range readGolden(t) {
		t.Run(g.path, func(t *testing.T) {
			c := &keyChecker{version: g.version, seen: map[string]json.Token{}}
			dec := json.NewDecoder(bytes.NewReader(g.body))
			dec.UseNumber()
			if err := c.value(dec, "", ""); err != nil {
				t.Fatal(err)
			}
			for _, k := range docRequired {
				if _, ok := c.seen[k]; !ok {
					t.Errorf("required key %s missing", k)
				}
			}
			if v := c.seen["version"]; v != json.Number(g.version) {
				t.Errorf("version %v, want %s", v, g.version)
			}
			if s, _ := c.seen["transactionTime"].(string); !docTime[g.version].MatchString(s) {
				t.Errorf("transactionTime %q is not %s's form", s, g.version)
			}
			if g.typ == Test && c.seen["receipt"] != "********" {
				t.Errorf("TEST receipt %v, want ********", c.seen["receipt"])
			}
		})
	}
}

// keyChecker walks a JSON value; seen keeps the top-level scalars.
type keyChecker struct {
	version string
	seen    map[string]json.Token
}

func (c *keyChecker) value(dec *json.Decoder, path, key string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			return c.object(dec, path)
		case '[':
			for dec.More() {
				if err := c.value(dec, path+"[]", key); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		}
	case nil:
		return fmt.Errorf("%s is null: ClickBank omits what it does not have", path)
	case json.Number:
		switch {
		case key == "version":
			if !regexp.MustCompile(`^\d\.0$`).MatchString(tok.String()) {
				return fmt.Errorf("version %s: want the 7.0 form", tok)
			}
		case slices.Contains(docAmounts, key):
			if !regexp.MustCompile(`^-?\d+\.\d\d$`).MatchString(tok.String()) {
				return fmt.Errorf("%s = %s: an amount has two decimals", path, tok)
			}
		case slices.Contains(docIntegers, key):
			if !regexp.MustCompile(`^-?\d+$`).MatchString(tok.String()) {
				return fmt.Errorf("%s = %s: want an integer", path, tok)
			}
		default:
			return fmt.Errorf("%s = %s: a number under a key the doc does not list as one", path, tok)
		}
	}
	return nil
}

func (c *keyChecker) object(dec *json.Decoder, path string) error {
	doc := schema(c.version, path)
	last := -1
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		k := tok.(string)
		if doc != nil {
			i := slices.Index(doc, k)
			if i < 0 {
				return fmt.Errorf("%s: key %q is not in the documented %s list %v", path, k, c.version, doc)
			}
			if i <= last {
				return fmt.Errorf("%s: key %q comes after %q, against the documented order %v", path, k, doc[last], doc)
			}
			last = i
		}
		sub := k
		if path != "" {
			sub = path + "." + k
		}
		if path == "" {
			// Keep top-level scalars for the caller.
			if err := c.peekScalar(dec, k, sub); err != nil {
				return err
			}
			continue
		}
		if err := c.value(dec, sub, k); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// peekScalar checks the top-level value under k and records it if scalar.
func (c *keyChecker) peekScalar(dec *json.Decoder, k, path string) error {
	switch k {
	case "lineItems", "customer", "upsell", "hopfeed", "trackingCodes",
		"vendorVariables", "affiliateTrackingParameters", "commonTrackingParameters":
		c.seen[k] = true
		return c.value(dec, path, k)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	c.seen[k] = tok
	if n, ok := tok.(json.Number); ok {
		// Re-check the number through value's rules.
		sub := json.NewDecoder(strings.NewReader(n.String()))
		sub.UseNumber()
		return c.value(sub, path, k)
	}
	if tok == nil {
		return fmt.Errorf("%s is null: ClickBank omits what it does not have", path)
	}
	return nil
}

// decodeJSON reads b with encoding/json alone, numbers kept as written.
func decodeJSON(t *testing.T, path string, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// cents reads a JSON number with two decimals as cents.
func cents(t *testing.T, v any) money.Cents {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a JSON number", v, v)
	}
	s, neg := strings.CutPrefix(n.String(), "-")
	c, err := money.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if neg {
		return -c
	}
	return c
}
