package redtrack

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Conversion is one row of GET /conversions: RedTrack's
// models.ConversionView (swagger.json, definitions/models.ConversionView),
// every documented field with its documented type. Fields the API leaves
// out are zero; fields it adds beyond the Swagger are ignored.
type Conversion struct {
	ID      string `json:"id"`
	ClickID string `json:"clickid"`

	// Type is the conversion type's name as posted (type=…); DefaultType
	// and Types[N-1] (type1 … type40) are the integer per-type columns.
	Type        string     `json:"type"`
	DefaultType int        `json:"default_type"`
	Types       [40]int    `json:"-"`
	Status      string     `json:"status"`
	Payout      float64    `json:"payout"`
	Currency    string     `json:"currency"`
	Order       string     `json:"order"`
	Event       string     `json:"event"`
	Coupon      string     `json:"coupon"`
	ConvTime    string     `json:"conv_time"`
	TrackTime   string     `json:"track_time"`
	CreatedAt   string     `json:"created_at"`
	Sub         [20]string `json:"-"` // sub1 … sub20: the click's subs
	PSub        [20]string `json:"-"` // p_sub1 … p_sub20: the offer source's additional postback parameters

	// DeduplicateToken is the token of "ignore duplicate postbacks by event
	// id": the postback's rdtk_event_id. Where RedTrack keeps rdtk_event_id is
	// not documented; this field is cbsim's reading.
	DeduplicateToken string `json:"deduplicate_token"`
	// DuplicateStatus is the "new or repeated" mode's mark: DuplicateNew,
	// DuplicateRepeated or DuplicateUnknown.
	DuplicateStatus int    `json:"duplicate_status"`
	IsTransaction   int    `json:"is_transaction"`
	AttributionType string `json:"attribution_type"`
	ExternalID      string `json:"external_id"`
	RefID           string `json:"ref_id"`
	ProgramID       string `json:"program_id"`
	PostbackIP      string `json:"postback_ip"`

	// Money beside the payout.
	PayoutDefault     float64 `json:"payout_default"`
	PayoutNetwork     float64 `json:"payout_network"`
	Cost              float64 `json:"cost"`
	CostDefault       float64 `json:"cost_default"`
	CostSource        float64 `json:"cost_source"`
	PubRevenue        float64 `json:"pub_revenue"`
	PubRevenueDefault float64 `json:"pub_revenue_default"`
	PubRevenueSource  float64 `json:"pub_revenue_source"`

	// Names and ids of what the click went through.
	Campaign     string `json:"campaign"`
	CampaignID   string `json:"campaign_id"`
	Offer        string `json:"offer"`
	OfferID      string `json:"offer_id"`
	Network      string `json:"network"`
	Source       string `json:"source"`
	SourceID     string `json:"source_id"`
	Landing      string `json:"landing"`
	LandingID    string `json:"landing_id"`
	Prelanding   string `json:"prelanding"`
	PrelandingID string `json:"prelanding_id"`

	// Where and on what the click happened.
	Country        string `json:"country"`
	Region         string `json:"region"`
	City           string `json:"city"`
	IP             string `json:"ip"`
	ISP            string `json:"isp"`
	ConnectionType string `json:"connection_type"`
	Browser        string `json:"browser"`
	OS             string `json:"os"`
	Device         string `json:"device"`
	DeviceBrand    string `json:"device_brand"`
	DeviceFullname string `json:"device_fullname"`
	UserAgent      string `json:"user_agent"`
	Fingerprint    string `json:"fingerprint"`
	Referer        string `json:"referer"`
	Deeplink       string `json:"deeplink"`
	Page           string `json:"page"`
	PageURL        string `json:"page_url"`
	Server         string `json:"server"`

	// The traffic channel's rt_* parameters.
	RTAd              string `json:"rt_ad"`
	RTAdID            string `json:"rt_ad_id"`
	RTAdgroup         string `json:"rt_adgroup"`
	RTAdgroupID       string `json:"rt_adgroup_id"`
	RTCampaign        string `json:"rt_campaign"`
	RTCampaignID      string `json:"rt_campaign_id"`
	RTKeyword         string `json:"rt_keyword"`
	RTMedium          string `json:"rt_medium"`
	RTPlacement       string `json:"rt_placement"`
	RTPlacementHashed string `json:"rt_placement_hashed"`
	RTPlacementID     string `json:"rt_placement_id"`
	RTRole1           string `json:"rt_role_1"`
	RTRole2           string `json:"rt_role_2"`
	RTSource          string `json:"rt_source"`

	// CBSim is what cbsim's reference tracker reports beyond
	// models.ConversionView, under the key "cbsim"; nil from RedTrack.
	CBSim *ConversionCBSim `json:"cbsim,omitempty"`
}

// ConversionCBSim is the "cbsim" object of cbsim's reference tracker's
// conversions. It is not RedTrack's.
type ConversionCBSim struct {
	// Params are the postback's parameters that fill no p_sub slot.
	Params map[string]string `json:"params"`
	// UpdatedAt is when the conversion last changed (edit and add-payout modes).
	UpdatedAt string `json:"updated_at"`
	// Reversal is set on a conversion an INS refund or chargeback
	// reversed (its status is then declined); nil otherwise.
	Reversal *Reversal `json:"reversal,omitempty"`
}

// Reversal is how an INS notification reversed a conversion of cbsim's
// reference tracker: its transactionType (RFND, CGBK, TEST_RFND), its
// totalAccountAmount (negative) and when it came (RFC 3339).
type Reversal struct {
	Type   string  `json:"type"`
	Amount float64 `json:"amount"`
	At     string  `json:"at"`
}

// Values of Conversion.DuplicateStatus. RedTrack's docs name the statuses of
// the "create new conversion: new or repeated" mode New, Repeated and Unknown
// (for conversions whose type does not use that mode):
// https://help.redtrack.io/knowledgebase/kb/tracker-setup-for-affiliates/offer-sources/duplicate-postback-settings/.
// The Swagger says only "integer"; the numbers are cbsim's reading.
const (
	DuplicateUnknown  = 0
	DuplicateNew      = 1
	DuplicateRepeated = 2
)

// DuplicateStatusName returns "new", "repeated", "" for DuplicateUnknown, or
// the number of a status cbsim does not know.
func (c Conversion) DuplicateStatusName() string {
	switch c.DuplicateStatus {
	case DuplicateUnknown:
		return ""
	case DuplicateNew:
		return "new"
	case DuplicateRepeated:
		return "repeated"
	}
	return strconv.Itoa(c.DuplicateStatus)
}

// PayoutCents returns the payout in cents, rounded to the nearest cent.
func (c Conversion) PayoutCents() int64 { return int64(math.Round(c.Payout * 100)) }

// ClickBankPostbackParams returns the additional postback parameters of
// RedTrack's ClickBank offer-source template in the p_sub slot order cbsim
// assumes: eventid (Event ID) in p_sub1, zip (Zip Code) in p_sub2, order_id
// in p_sub3. An account whose offer source lists them in another order
// passes its own names to PostbackParams.
func ClickBankPostbackParams() []string { return []string{"eventid", "zip", "order_id"} }

// PostbackParams returns the postback's further parameters as name → value:
// names[i] for p_sub{i+1}; "p_subN" for a non-empty slot names does not
// cover; then, on cbsim's reference tracker, the parameters it reports under
// cbsim.params, unless a slot already gave that name.
func (c Conversion) PostbackParams(names []string) map[string]string {
	out := map[string]string{}
	for i, v := range c.PSub {
		switch {
		case i < len(names) && names[i] != "":
			if v != "" {
				out[names[i]] = v
			}
		case v != "":
			out["p_sub"+strconv.Itoa(i+1)] = v
		}
	}
	if c.CBSim != nil {
		for k, v := range c.CBSim.Params {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// UnmarshalJSON decodes a models.ConversionView: the named fields by their
// tags, sub1 … sub20 and p_sub1 … p_sub20 as strings, type1 … type40 as
// integers. A field of another JSON type than the Swagger's is an error
// naming the field; null leaves a field zero.
func (c *Conversion) UnmarshalJSON(b []byte) error {
	type conversionView Conversion // models.ConversionView without this method
	var p conversionView
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("conversion: %w", err)
	}
	raw, err := rawFields(b)
	if err == nil {
		err = numbered(raw, "sub", p.Sub[:])
	}
	if err == nil {
		err = numbered(raw, "p_sub", p.PSub[:])
	}
	if err == nil {
		err = numbered(raw, "type", p.Types[:])
	}
	if err == nil {
		err = checkAmounts(map[string]float64{"payout": p.Payout, "payout_default": p.PayoutDefault, "payout_network": p.PayoutNetwork,
			"cost": p.Cost, "cost_default": p.CostDefault, "cost_source": p.CostSource,
			"pub_revenue": p.PubRevenue, "pub_revenue_default": p.PubRevenueDefault, "pub_revenue_source": p.PubRevenueSource})
	}
	if err != nil {
		return fmt.Errorf("conversion %s: %w", p.ID, err)
	}
	*c = Conversion(p)
	return nil
}

// MaxAmount bounds the money fields of a Conversion: beyond it an amount in
// cents is no longer exact in a float64 (2^53 cents), and far beyond it
// does not fit an int64. A row with a larger amount is an error.
const MaxAmount = 9e13

// checkAmounts refuses an amount that is not finite or beyond ±MaxAmount,
// naming the field, instead of letting PayoutCents overflow.
func checkAmounts(fields map[string]float64) error {
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if v := fields[name]; math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxAmount {
			return fmt.Errorf("field %s: %v is out of range (at most ±%.0f)", name, v, MaxAmount)
		}
	}
	return nil
}

// rawFields decodes a JSON object into its fields, undecoded.
func rawFields(b []byte) (map[string]json.RawMessage, error) {
	var raw map[string]json.RawMessage
	err := json.Unmarshal(b, &raw)
	return raw, err
}

// numbered decodes the fields prefix1, prefix2 … of raw into dst, in order.
func numbered[T any](raw map[string]json.RawMessage, prefix string, dst []T) error {
	for i := range dst {
		if err := field(raw, prefix+strconv.Itoa(i+1), &dst[i]); err != nil {
			return err
		}
	}
	return nil
}

// field decodes raw[name], when present and not null, into v.
func field(raw map[string]json.RawMessage, name string, v any) error {
	r, ok := raw[name]
	if !ok || string(r) == "null" {
		return nil
	}
	if err := json.Unmarshal(r, v); err != nil {
		return fmt.Errorf("field %s: %s is not a JSON %s", name, firstBytes(r), jsonKind(v))
	}
	return nil
}

// jsonKind names the JSON type a Go destination takes.
func jsonKind(v any) string {
	switch v.(type) {
	case *string:
		return "string"
	case *int:
		return "integer"
	}
	return "value"
}
