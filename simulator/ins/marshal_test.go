package ins

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest notification Marshal accepts.
func minimal(v string) *Notification {
	return &Notification{
		Version: v, TransactionTime: time.Date(2015, 9, 30, 4, 44, 27, 0, time.FixedZone("", -7*3600)),
		Receipt: "ABCD1234", TransactionType: Sale, Vendor: "ven01", Role: Vendor,
		TotalAccountAmount: 100, TotalOrderAmount: -4575, Currency: "USD", AttemptCount: 1,
	}
}

func TestMarshalVersions(t *testing.T) {
	for _, tc := range []struct{ v, want string }{
		{Version6, `{"transactionTime":"2015-09-30T04:44:27-07:00","receipt":"ABCD1234","transactionType":"SALE","vendor":"ven01","role":"VENDOR","totalAccountAmount":1.00,"totalOrderAmount":-45.75,"totalTaxAmount":0.00,"totalShippingAmount":0.00,"currency":"USD","lineItems":[],"version":6.0,"attemptCount":1}`},
		{Version7, `{"transactionTime":"20150930T044427-0700","receipt":"ABCD1234","transactionType":"SALE","vendor":"ven01","role":"VENDOR","totalAccountAmount":1.00,"totalOrderAmount":-45.75,"totalTaxAmount":0.00,"totalShippingAmount":0.00,"currency":"USD","lineItems":[],"version":7.0,"attemptCount":1}`},
		{Version8, `{"transactionTime":"20150930T044427-0700","receipt":"ABCD1234","transactionType":"SALE","vendor":"ven01","role":"VENDOR","totalAccountAmount":1.00,"totalOrderAmount":-45.75,"totalTaxAmount":0.00,"totalShippingAmount":0.00,"currency":"USD","lineItems":[],"version":8.0,"attemptCount":1}`},
	} {
		b, err := minimal(tc.v).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.v, b, tc.want)
		}
	}
}

// TestMarshalV8Only: the tracking-parameter blocks exist in 8.0 only, and
// the 7.0 line item fields not in 6.0.
func TestMarshalV8Only(t *testing.T) {
	for _, v := range Versions {
		n := minimal(v)
		n.AffiliateTrackingParameters = Params{{"aff_sub1", "x"}}
		n.CommonTrackingParameters = Params{{"deviceType", "mobile"}}
		n.LineItems = []LineItem{{ItemNo: "a", ProductTitle: "A", Quantity: 1, LineItemType: Original, ProductPrice: 100}}
		b, err := n.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if got := strings.Contains(s, `"affiliateTrackingParameters":{"aff_sub1":"x"},"commonTrackingParameters":{"deviceType":"mobile"}}`); got != (v == Version8) {
			t.Errorf("%s: tracking blocks printed = %v", v, got)
		}
		if got := strings.Contains(s, `"productPrice":1.00`); got != (v != Version6) {
			t.Errorf("%s: productPrice printed = %v", v, got)
		}
	}
}

func TestMarshalEscaping(t *testing.T) {
	n := minimal(Version7)
	title := "A \"quoted\" \\ back\nline\ttab\x01 <b>&amp;</b> / é 水 \u2028"
	n.LineItems = []LineItem{{ItemNo: "a", ProductTitle: title, Quantity: 1, LineItemType: Original}}
	n.VendorVariables = Params{{"redirect", "https://x.example/a?b=c&d=e"}}
	b, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`A \"quoted\" \\ back\nline\ttab\u0001 <b>&amp;</b> / é 水 ` + "\u2028", `"redirect":"https://x.example/a?b=c&d=e"`} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %s in %s", want, s)
		}
	}
	var back struct {
		LineItems []struct{ ProductTitle string } `json:"lineItems"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.LineItems[0].ProductTitle != title {
		t.Errorf("encoding/json reads %q, want %q", back.LineItems[0].ProductTitle, title)
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Notification)
		want string
	}{
		{"unknown version", func(n *Notification) { n.Version = "7" }, `unknown INS version "7"`},
		{"no receipt", func(n *Notification) { n.Receipt = "" }, "receipt is empty"},
		{"no role", func(n *Notification) { n.Role = "" }, "role is empty"},
		{"invalid UTF-8", func(n *Notification) {
			n.Customer = &Customer{Billing: &Contact{FullName: "a\xffb"}}
		}, "customer.billing.fullName is not valid UTF-8"},
		{"invalid UTF-8 variable", func(n *Notification) { n.VendorVariables = Params{{"v", "\xc3"}} }, "vendorVariables.v is not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := minimal(Version7)
			tc.edit(n)
			_, err := n.Marshal()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	good, err := minimal(Version7).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, from, to, want string }{
		{"three decimals", `"totalAccountAmount":1.00`, `"totalAccountAmount":1.001`, "totalAccountAmount"},
		{"string amount", `"totalAccountAmount":1.00`, `"totalAccountAmount":"1.00"`, "totalAccountAmount"},
		{"unknown version", `"version":7.0`, `"version":7.5`, `version: "7.5"`},
		{"6.0 time in 7.0", `20150930T044427-0700`, `2015-09-30T04:44:27-07:00`, "transactionTime"},
		{"truncated", `"attemptCount":1}`, `"attemptCount":1`, "unexpected EOF"},
		{"two values", `"attemptCount":1}`, `"attemptCount":1}{}`, "more than one"},
		{"variables not strings", `"attemptCount":1}`, `"attemptCount":1,"vendorVariables":{"a":1}}`, "vendorVariables.a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tc.from, tc.to, 1)
			if bad == string(good) {
				t.Fatalf("%q not in %s", tc.from, good)
			}
			_, err := Parse([]byte(bad))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestParseClickBankSample reads a 7.0 notification shaped like the real
// ones quoted in docs/clickbank.md §6.2 and prints it back byte for byte.
func TestParseClickBankSample(t *testing.T) {
	const sample = `{"transactionTime":"20200913T120536-0700","receipt":"QTBI6NYZ","transactionType":"TEST_SALE","vendor":"vendor01","affiliate":"aff01","role":"VENDOR","totalAccountAmount":3.64,"paymentMethod":"VISA","totalOrderAmount":9.56,"totalTaxAmount":0.56,"totalShippingAmount":0.00,"currency":"USD","orderLanguage":"EN","trackingCodes":["9_vsl_fe"],"lineItems":[{"itemNo":"3","productTitle":"Unlimited Sites & Features","shippable":false,"recurring":true,"accountAmount":3.64,"quantity":1,"paymentPlan":{"rebillStatus":"CANCELED","rebillFrequency":"MONTHLY","rebillAmount":47.00,"paymentsProcessed":2,"paymentsRemaining":997,"nextPaymentDate":"20201125T120536-0800"},"downloadUrl":"x","lineItemType":"ORIGINAL","productPrice":9.00,"productDiscount":0.00,"affiliatePayout":3.64,"taxAmount":0.56,"shippingAmount":0.00,"shippingLiable":false}],"customer":{"shipping":{"firstName":"Cara","lastName":"D","fullName":"Cara D","email":"c@example.com","address":{"county":"MILAM","state":"TX","postalCode":"76520","country":"US"}},"billing":{"firstName":"Cara","lastName":"D","fullName":"Cara D","email":"c@example.com","address":{"state":"TX","postalCode":"76520","country":"US"}}},"upsell":{"upsellFlowId":44874,"upsellSession":"QTBI6NYZYX"},"version":7.0,"attemptCount":1,"vendorVariables":{"iv":"RkQ%3D","params":"iRO"}}`
	n, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != sample {
		t.Fatalf("Marshal(Parse(sample)):\n got %s\nwant %s", b, sample)
	}
}
