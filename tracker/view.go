package tracker

import (
	"strconv"
	"strings"
)

// The reporting API's rows have the shape RedTrack's Swagger 2.0 description
// gives them (host api.redtrack.io; vendored as swagger.json in the public
// repository pijusz/mcp-redtrack): GET /conversions serves
// definitions/models.ConversionView and GET /tracks
// definitions/models.TrackView. Every documented field is present with its
// documented type (strings "", numbers and integers 0 when the reference
// tracker has nothing to put there), so that a reader written from the
// Swagger decodes the reference tracker and a real account alike. What the
// reference tracker keeps beyond them is under the key "cbsim", which is not
// RedTrack's.

// rtFields are the rt_* fields models.ConversionView and models.TrackView share.
var rtFields = []string{"rt_ad", "rt_ad_id", "rt_adgroup", "rt_adgroup_id", "rt_campaign", "rt_campaign_id",
	"rt_keyword", "rt_medium", "rt_placement", "rt_placement_hashed", "rt_placement_id", "rt_role_1", "rt_role_2", "rt_source"}

// conversionStrings, conversionNumbers and conversionInts are the fields of
// models.ConversionView by their Swagger type (string, number, integer),
// without the numbered ones (sub1…sub20, p_sub1…p_sub20, type1…type40).
var (
	conversionStrings = append([]string{"attribution_type", "browser", "campaign", "campaign_id", "city", "clickid",
		"connection_type", "conv_time", "country", "coupon", "created_at", "currency", "deduplicate_token", "deeplink",
		"device", "device_brand", "device_fullname", "event", "external_id", "fingerprint", "id", "ip", "isp", "landing",
		"landing_id", "network", "offer", "offer_id", "order", "os", "page", "page_url", "postback_ip", "prelanding",
		"prelanding_id", "program_id", "ref_id", "referer", "region", "server", "source", "source_id", "status",
		"track_time", "type", "user_agent"}, rtFields...)
	conversionNumbers = []string{"cost", "cost_default", "cost_source", "payout", "payout_default", "payout_network",
		"pub_revenue", "pub_revenue_default", "pub_revenue_source"}
	conversionInts = []string{"default_type", "duplicate_status", "is_transaction"}
)

// trackStrings, trackNumbers and trackInts are the fields of
// models.TrackView by their Swagger type, without sub1…sub20.
var (
	trackStrings = append([]string{"browser", "campaign", "campaign_id", "city", "connection_type", "country",
		"deeplink", "device", "device_brand", "device_fullname", "external_id", "fingerprint", "id", "ip", "isp",
		"landing", "landing_id", "network", "offer", "offer_id", "os", "page", "prelanding", "prelanding_id",
		"program_id", "ref_id", "referer", "region", "server", "source", "source_id", "track_time", "type",
		"user_agent", "user_id"}, rtFields...)
	trackNumbers = []string{"cost", "cost_default", "cost_source"}
	trackInts    = []string{"is_attribution", "is_baddevice", "is_blacklist", "is_datacenter", "is_lp_track",
		"is_ok", "is_prelp_track", "uniq"}
)

// Counts of the numbered fields (swagger.json, definitions/models.ConversionView).
const (
	subCount  = 20 // sub1 … sub20: the click's subs
	typeCount = 40 // type1 … type40: custom conversion types
)

// Duplicate statuses as models.ConversionView's integer duplicate_status.
// RedTrack's docs name the statuses of the "new or repeated" mode New,
// Repeated and Unknown ("Unknown for conversions in which this postback mode
// is not configured": https://help.redtrack.io/knowledgebase/kb/tracker-setup-for-affiliates/offer-sources/duplicate-postback-settings/);
// the numbers are cbsim's reading, not documented.
const (
	dupCodeUnknown  = 0
	dupCodeNew      = 1
	dupCodeRepeated = 2
)

// duplicateCode turns a stored duplicate status into its integer.
func duplicateCode(s string) int {
	switch s {
	case dupNew:
		return dupCodeNew
	case dupRepeated:
		return dupCodeRepeated
	}
	return dupCodeUnknown
}

// blankView returns a row with every field of the given kinds at its zero
// value, and sub1…sub20 as "".
func blankView(strs, nums, ints []string) map[string]any {
	v := make(map[string]any, len(strs)+len(nums)+len(ints)+3*subCount+typeCount+1)
	for _, f := range strs {
		v[f] = ""
	}
	for _, f := range nums {
		v[f] = 0
	}
	for _, f := range ints {
		v[f] = 0
	}
	for i := 1; i <= subCount; i++ {
		v["sub"+strconv.Itoa(i)] = ""
	}
	return v
}

// clickSubs puts the click's sub1…sub20 query parameters into v and returns
// the others.
func clickSubs(v map[string]any, subs map[string]string) map[string]string {
	rest := map[string]string{}
	for name, value := range subs {
		if n, ok := numbered(name, "sub", subCount); ok {
			v["sub"+strconv.Itoa(n)] = value
			continue
		}
		rest[name] = value
	}
	return rest
}

// numbered reports whether name is prefix followed by 1…max without a
// leading zero, and the number.
func numbered(name, prefix string, max int) (int, bool) {
	digits, ok := strings.CutPrefix(name, prefix)
	if !ok || digits == "" || digits[0] == '0' || len(digits) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || n > max {
		return 0, false
	}
	return n, true
}

// conversionView is one conversion as RedTrack's models.ConversionView. The
// reference tracker fills it so:
//
//   - id, clickid, type, status, payout, currency; campaign (the name) and
//     campaign_id; created_at and conv_time (when it was recorded), track_time
//     (when its click was).
//   - order: the postback's order_id, else its order.
//   - deduplicate_token: the event id (rdtk_event_id, else eventid; or
//     Config.EventIDParam),
//     the token RedTrack deduplicates on under "ignore duplicates by event id".
//   - duplicate_status: 1 new, 2 repeated under the new_marked mode, 0 otherwise.
//   - type{N}: 1 for the conversion's type, N its position in
//     Config.ConversionTypes (cbsim's choice); default_type 0.
//   - sub1…sub20: the click's query parameters of those names.
//   - p_sub{N}: the postback parameter named Config.PostbackParams[N-1].
//   - cbsim: {"params": the postback's other parameters, "updated_at": when the
//     conversion last changed, and for a conversion an INS refund or
//     chargeback reversed "reversal": {"type","amount","at"}}, cbsim's own,
//     not RedTrack's.
//   - An INS conversion (type INS:SALE, …): status approved (other for a
//     test purchase, declined once reversed), payout its totalAccountAmount,
//     currency USD, order its receipt, deduplicate_token
//     "RECEIPT/TRANSACTIONTYPE/ROLE"; the notification's fields in
//     cbsim.params (ins.go).
func (t *Tracker) conversionView(r conversionRow) map[string]any {
	v := blankView(conversionStrings, conversionNumbers, conversionInts)
	for i := 1; i <= subCount; i++ {
		v["p_sub"+strconv.Itoa(i)] = ""
	}
	for i := 1; i <= typeCount; i++ {
		v["type"+strconv.Itoa(i)] = 0
	}
	created := formatTime(r.CreatedAt)
	v["id"], v["clickid"], v["campaign"], v["campaign_id"] = r.ID, r.ClickID, r.Campaign, r.CampaignID
	v["type"], v["status"], v["payout"], v["currency"] = r.Type, r.Status, amount(r.Cents), r.Currency
	v["order"], v["deduplicate_token"], v["duplicate_status"] = r.Order, r.EventID, duplicateCode(r.DuplicateStatus)
	v["created_at"], v["conv_time"], v["track_time"] = created, created, formatTime(r.ClickTime)
	if n := t.typeSlot(r.Type); n > 0 {
		v["type"+strconv.Itoa(n)] = 1
	}
	clickSubs(v, r.ClickSubs)
	rest := make(map[string]string, len(r.Params))
	for name, value := range r.Params {
		rest[name] = value
	}
	for i, name := range t.cfg.PostbackParams {
		if value, ok := rest[name]; ok {
			v["p_sub"+strconv.Itoa(i+1)] = value
			delete(rest, name)
		}
	}
	cb := map[string]any{"params": rest, "updated_at": formatTime(r.UpdatedAt)}
	if r.Reversal != "" {
		cb["reversal"] = reversalView{Type: r.Reversal, Amount: amount(r.ReversalCents), At: formatTime(r.ReversedAt)}
	}
	v["cbsim"] = cb
	return v
}

// reversalView is cbsim.reversal of a conversion an INS refund or
// chargeback reversed: the notification's transactionType, its
// totalAccountAmount (negative, as ClickBank writes a refund's) and when it
// came. cbsim's own, not RedTrack's.
type reversalView struct {
	Type   string `json:"type"`
	Amount amount `json:"amount"`
	At     string `json:"at"`
}

// typeSlot is the 1-based position of a conversion type in
// Config.ConversionTypes when it is at most typeCount, else 0.
func (t *Tracker) typeSlot(name string) int {
	for i, ct := range t.cfg.ConversionTypes {
		if ct.Name == name && i < typeCount {
			return i + 1
		}
	}
	return 0
}

// trackView is one click as RedTrack's models.TrackView: id (the click id),
// campaign and campaign_id, track_time, and the click's sub1…sub20 query
// parameters; its other query parameters are under cbsim.subs, cbsim's own.
func trackView(k click) map[string]any {
	v := blankView(trackStrings, trackNumbers, trackInts)
	v["id"], v["campaign"], v["campaign_id"], v["track_time"] = k.ID, k.Campaign, k.CampaignID, formatTime(k.CreatedAt)
	v["cbsim"] = map[string]any{"subs": clickSubs(v, k.Subs)}
	return v
}

// campaignView is a campaign as RedTrack's models.Campaign (swagger.json,
// definitions/models.Campaign): the fields the reference tracker keeps, with
// status 1 (active: "1-active, 2-paused, 3-deleted", swagger.json, path
// /campaigns/status). RedTrack keeps the offer URL on an offer its campaign's
// streams point to; the reference tracker has no offers, so the URL is under
// cbsim.offer_url, cbsim's own.
type campaignView struct {
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Status    int           `json:"status"`
	CreatedAt string        `json:"created_at"`
	UpdatedAt string        `json:"updated_at"`
	CBSim     campaignCBSim `json:"cbsim"`
}

// campaignCBSim is what a campaign of the reference tracker has beyond
// models.Campaign.
type campaignCBSim struct {
	OfferURL string `json:"offer_url"`
}

// campaignStatusActive is models.Campaign's status of an active campaign.
const campaignStatusActive = 1

func newCampaignView(c Campaign) campaignView {
	at := formatTime(c.createdAt)
	return campaignView{ID: c.ID, Title: c.Name, Status: campaignStatusActive, CreatedAt: at, UpdatedAt: at,
		CBSim: campaignCBSim{OfferURL: c.OfferURL}}
}
