package redtrack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/cbsim/cbsim/redtrack"
)

// The payloads of these tests are written from RedTrack's Swagger 2.0
// description (swagger.json of pijusz/mcp-redtrack): testdata/conversion_view.json
// holds every property of definitions/models.ConversionView with a value of
// its documented type, and errors are definitions/api.Err, {"error": "…"}.

const api = "https://api.redtrack.test"

// fixedNow is the clock of the mock clients.
var fixedNow = time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)

// mockClient returns a client whose requests go to a per-test mock transport.
func mockClient(t *testing.T) (*redtrack.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	return &redtrack.Client{BaseURL: api, APIKey: "k1", HTTPClient: &http.Client{Transport: mt},
		Now: func() time.Time { return fixedNow }}, mt
}

func jsonResponse(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// readRow reads testdata/conversion_view.json once.
var readRow = sync.OnceValues(func() ([]byte, error) { return os.ReadFile("testdata/conversion_view.json") })

// swaggerRow returns the Swagger-shaped row of testdata with the given
// fields changed (a nil value removes the field).
func swaggerRow(changes map[string]any) (map[string]any, error) {
	raw, err := readRow()
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("testdata/conversion_view.json: %w", err)
	}
	for k, x := range changes {
		if x == nil {
			delete(v, k)
		} else {
			v[k] = x
		}
	}
	return v, nil
}

// conversionView is swaggerRow for a test.
func conversionView(t *testing.T, changes map[string]any) map[string]any {
	t.Helper()
	v, err := swaggerRow(changes)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// listBody is the reply of a log: {"items": [...], "total": N}.
func listBody(t *testing.T, total int, items ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"items": items, "total": total})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestConversionDecodesEveryDocumentedField(t *testing.T) {
	c, mt := mockClient(t)
	row := conversionView(t, nil)
	mt.RegisterResponder(http.MethodGet, api+"/conversions", httpmock.ResponderFromResponse(jsonResponse(200, listBody(t, 1, row))))
	got, err := c.Conversions(context.Background(), redtrack.Query{ClickID: "61f190c31cfe1c000181572d"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d conversions, want 1", len(got))
	}
	cv := got[0]
	// Every documented property, read back through the field it lands in.
	var fields = map[string]any{
		"id": cv.ID, "clickid": cv.ClickID, "type": cv.Type, "default_type": cv.DefaultType, "status": cv.Status,
		"payout": cv.Payout, "currency": cv.Currency, "order": cv.Order, "event": cv.Event, "coupon": cv.Coupon,
		"conv_time": cv.ConvTime, "track_time": cv.TrackTime, "created_at": cv.CreatedAt,
		"deduplicate_token": cv.DeduplicateToken, "duplicate_status": cv.DuplicateStatus, "is_transaction": cv.IsTransaction,
		"attribution_type": cv.AttributionType, "external_id": cv.ExternalID, "ref_id": cv.RefID, "program_id": cv.ProgramID,
		"postback_ip": cv.PostbackIP, "payout_default": cv.PayoutDefault, "payout_network": cv.PayoutNetwork, "cost": cv.Cost,
		"cost_default": cv.CostDefault, "cost_source": cv.CostSource, "pub_revenue": cv.PubRevenue,
		"pub_revenue_default": cv.PubRevenueDefault, "pub_revenue_source": cv.PubRevenueSource,
		"campaign": cv.Campaign, "campaign_id": cv.CampaignID, "offer": cv.Offer, "offer_id": cv.OfferID, "network": cv.Network,
		"source": cv.Source, "source_id": cv.SourceID, "landing": cv.Landing, "landing_id": cv.LandingID,
		"prelanding": cv.Prelanding, "prelanding_id": cv.PrelandingID, "country": cv.Country, "region": cv.Region,
		"city": cv.City, "ip": cv.IP, "isp": cv.ISP, "connection_type": cv.ConnectionType, "browser": cv.Browser, "os": cv.OS,
		"device": cv.Device, "device_brand": cv.DeviceBrand, "device_fullname": cv.DeviceFullname, "user_agent": cv.UserAgent,
		"fingerprint": cv.Fingerprint, "referer": cv.Referer, "deeplink": cv.Deeplink, "page": cv.Page, "page_url": cv.PageURL,
		"server": cv.Server, "rt_ad": cv.RTAd, "rt_ad_id": cv.RTAdID, "rt_adgroup": cv.RTAdgroup, "rt_adgroup_id": cv.RTAdgroupID,
		"rt_campaign": cv.RTCampaign, "rt_campaign_id": cv.RTCampaignID, "rt_keyword": cv.RTKeyword, "rt_medium": cv.RTMedium,
		"rt_placement": cv.RTPlacement, "rt_placement_hashed": cv.RTPlacementHashed, "rt_placement_id": cv.RTPlacementID,
		"rt_role_1": cv.RTRole1, "rt_role_2": cv.RTRole2, "rt_source": cv.RTSource,
	}
	for i := range 20 {
		fields[fmt.Sprintf("sub%d", i+1)] = cv.Sub[i]
		fields[fmt.Sprintf("p_sub%d", i+1)] = cv.PSub[i]
	}
	for i := range 40 {
		fields[fmt.Sprintf("type%d", i+1)] = cv.Types[i]
	}
	if len(fields) != len(row) {
		t.Errorf("the test reads %d fields, the Swagger row has %d", len(fields), len(row))
	}
	for name, want := range row {
		got, ok := fields[name]
		if !ok {
			t.Errorf("%s: not read", name)
			continue
		}
		if w, isNum := want.(float64); isNum {
			if g, isInt := got.(int); isInt {
				got = float64(g)
			}
			if got != w {
				t.Errorf("%s = %v, want %v", name, got, w)
			}
			continue
		}
		if got != want {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	if cv.PayoutCents() != 7249 || cv.DuplicateStatusName() != "repeated" || cv.Types[2] != 1 || cv.CBSim != nil {
		t.Errorf("cents %d, duplicate %q, type3 %d, cbsim %v", cv.PayoutCents(), cv.DuplicateStatusName(), cv.Types[2], cv.CBSim)
	}
}

// TestConversionsPaging follows page and per over three pages; every request
// carries the api key, the date range and the filters.
func TestConversionsPaging(t *testing.T) {
	c, mt := mockClient(t)
	var mu sync.Mutex // guards pages
	var pages []string
	ids := []string{"a", "b", "c", "d", "e"}
	mt.RegisterResponder(http.MethodGet, api+"/conversions", func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		want := url.Values{"api_key": {"k1"}, "clickid": {"c1"}, "type": {"InitialPurchase"}, "campaign_id": {"cp1,cp2"},
			"date_from": {"2026-01-14"}, "date_to": {"2026-12-04"}, "per": {"2"}, "page": {q.Get("page")}}
		if q.Encode() != want.Encode() {
			return jsonResponse(400, `{"error":"unexpected query `+q.Encode()+`"}`), nil
		}
		mu.Lock()
		pages = append(pages, q.Get("page"))
		mu.Unlock()
		n, _ := strconv.Atoi(q.Get("page"))
		var items []map[string]any
		for i := (n - 1) * 2; i < min(n*2, len(ids)); i++ {
			items = append(items, conversionView(t, map[string]any{"id": ids[i]}))
		}
		return jsonResponse(200, listBody(t, len(ids), items...)), nil
	})
	from, to := redtrack.Window(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC))
	got, err := c.Conversions(context.Background(), redtrack.Query{
		ClickID: "c1", Type: "InitialPurchase", CampaignID: "cp1,cp2", PerPage: 2, From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, cv := range got {
		gotIDs = append(gotIDs, cv.ID)
	}
	if fmt.Sprint(gotIDs) != fmt.Sprint(ids) || fmt.Sprint(pages) != "[1 2 3]" {
		t.Errorf("ids %v over pages %v, want %v over [1 2 3]", gotIDs, pages, ids)
	}
}

// TestConversionsDateRange: the dates RedTrack requires are sent whatever
// the query gives.
func TestConversionsDateRange(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 9, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		q        redtrack.Query
		from, to string
	}{
		{"Given", redtrack.Query{From: day(1), To: day(2)}, "2026-03-01", "2026-03-02"},
		{"NoneIsTheLast30DaysToTomorrow", redtrack.Query{}, "2026-11-04", "2026-12-04"},
		{"OnlyTo", redtrack.Query{To: day(31)}, "2026-03-01", "2026-03-31"},
		{"OnlyFrom", redtrack.Query{From: day(1)}, "2026-03-01", "2026-12-04"},
		{"OwnLocation", redtrack.Query{From: time.Date(2026, 3, 1, 23, 0, 0, 0, time.FixedZone("X", -5*3600)), To: day(2)}, "2026-03-01", "2026-03-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodGet, api+"/conversions", func(req *http.Request) (*http.Response, error) {
				q := req.URL.Query()
				if q.Get("date_from") != tt.from || q.Get("date_to") != tt.to {
					return jsonResponse(400, fmt.Sprintf(`{"error":"dates %s %s"}`, q.Get("date_from"), q.Get("date_to"))), nil
				}
				return jsonResponse(200, `{"items":[],"total":0}`), nil
			})
			if _, err := c.Conversions(context.Background(), tt.q); err != nil {
				t.Fatalf("want date_from=%s date_to=%s: %v", tt.from, tt.to, err)
			}
		})
	}
	c, _ := mockClient(t)
	if _, err := c.Conversions(context.Background(), redtrack.Query{From: day(2), To: day(1)}); err == nil || !strings.Contains(err.Error(), "before") {
		t.Errorf("From after To: err = %v", err)
	}
}

func TestWindow(t *testing.T) {
	event := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	clock := time.Date(2026, 12, 3, 7, 0, 0, 0, time.FixedZone("X", 3600))
	from, to := redtrack.Window(clock, event)
	if from.Format(time.DateOnly) != "2026-01-14" || to.Format(time.DateOnly) != "2026-12-04" || from.Location() != time.UTC {
		t.Errorf("Window = %v, %v", from, to)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name    string
		respond httpmock.Responder
		check   func(t *testing.T, err error)
	}{
		{"Unauthorized", httpmock.ResponderFromResponse(jsonResponse(401, `{"error":"Invalid api key"}`)),
			func(t *testing.T, err error) {
				apiErr, ok := errors.AsType[*redtrack.APIError](err)
				if !ok || apiErr.Status != 401 || apiErr.Message != "Invalid api key" || apiErr.Path != "/conversions" {
					t.Fatalf("err = %#v, want *APIError 401 of /conversions", err)
				}
				if !strings.Contains(err.Error(), "GET /conversions: api key refused (HTTP 401): Invalid api key") {
					t.Errorf("err = %q, want it to say which call and that the api key was refused", err)
				}
			}},
		{"BadRequest", httpmock.ResponderFromResponse(jsonResponse(400, `{"error":"date_from is required"}`)),
			func(t *testing.T, err error) {
				apiErr, ok := errors.AsType[*redtrack.APIError](err)
				if !ok || apiErr.Status != 400 || !strings.Contains(err.Error(), "HTTP 400: date_from is required") {
					t.Fatalf("err = %v, want the 400 body surfaced", err)
				}
			}},
		{"DuplicateStatusAsString", jsonRow(map[string]any{"duplicate_status": "repeated"}),
			func(t *testing.T, err error) { wantFieldError(t, err, "duplicate_status") }},
		{"PayoutAsString", jsonRow(map[string]any{"payout": "72.49"}),
			func(t *testing.T, err error) { wantFieldError(t, err, "payout") }},
		{"PayoutNaN", httpmock.NewStringResponder(200, `{"items":[{"id":"a","payout":"NaN"}],"total":1}`),
			func(t *testing.T, err error) { wantFieldError(t, err, "payout") }},
		{"PayoutHuge", httpmock.NewStringResponder(200, `{"items":[{"id":"a","payout":1e300}],"total":1}`),
			func(t *testing.T, err error) { wantFieldError(t, err, "field payout: 1e+300 is out of range") }},
		{"PayoutHugeNegative", httpmock.NewStringResponder(200, `{"items":[{"id":"a","payout":-9.3e16}],"total":1}`),
			func(t *testing.T, err error) { wantFieldError(t, err, "field payout: -9.3e+16 is out of range") }},
		{"PSubAsNumber", jsonRow(map[string]any{"p_sub2": 90210}),
			func(t *testing.T, err error) { wantFieldError(t, err, "p_sub2") }},
		{"TypeNAsString", jsonRow(map[string]any{"type12": "1"}),
			func(t *testing.T, err error) { wantFieldError(t, err, "type12") }},
		{"MalformedJSON", httpmock.NewStringResponder(200, "<html><body>Bad gateway</body></html>"),
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), `"<html><body>Bad gateway`) {
					t.Errorf("err = %v, want it to quote the body", err)
				}
			}},
		{"TruncatedJSON", httpmock.NewStringResponder(200, `{"items":[{"id":"a"`),
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "not the expected JSON") {
					t.Errorf("err = %v", err)
				}
			}},
		{"ServerErrorText", httpmock.NewStringResponder(502, "upstream down"),
			func(t *testing.T, err error) {
				apiErr, ok := errors.AsType[*redtrack.APIError](err)
				if !ok || apiErr.Status != 502 || apiErr.Message != `"upstream down"` {
					t.Errorf("err = %#v", err)
				}
			}},
		{"TransportHidesKey", httpmock.NewErrorResponder(errors.New("connection refused")),
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "GET /conversions: connection refused") || strings.Contains(err.Error(), "k1") {
					t.Errorf("err = %v, want the path and the cause, never the api key", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodGet, api+"/conversions", tt.respond)
			_, err := c.Conversions(context.Background(), redtrack.Query{})
			tt.check(t, err)
		})
	}
}

// jsonRow answers a page of one Swagger row changed by changes.
func jsonRow(changes map[string]any) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		row, err := swaggerRow(changes)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(map[string]any{"items": []any{row}, "total": 1})
		if err != nil {
			return nil, err
		}
		return jsonResponse(200, string(b)), nil
	}
}

func wantFieldError(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), field) {
		t.Errorf("err = %v, want a decoding error naming %s", err, field)
	}
}

// TestConversionTolerates: fields beyond the Swagger are harmless, absent
// and null ones zero.
func TestConversionTolerates(t *testing.T) {
	c, mt := mockClient(t)
	row := conversionView(t, map[string]any{"sub5": nil, "type7": nil, "p_sub4": nil,
		"params": map[string]any{"zip": 1}, "event_id": "x", "future_field": []int{1}})
	row["order"] = nil
	mt.RegisterResponder(http.MethodGet, api+"/conversions", httpmock.ResponderFromResponse(jsonResponse(200, listBody(t, 1, row))))
	got, err := c.Conversions(context.Background(), redtrack.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Sub[4] != "" || got[0].Types[6] != 0 || got[0].Order != "" || got[0].ClickID == "" {
		t.Errorf("got %+v", got[0])
	}
}

func TestDuplicateStatusName(t *testing.T) {
	for status, want := range map[int]string{0: "", 1: "new", 2: "repeated", 5: "5"} {
		if got := (redtrack.Conversion{DuplicateStatus: status}).DuplicateStatusName(); got != want {
			t.Errorf("DuplicateStatusName(%d) = %q, want %q", status, got, want)
		}
	}
}

func TestPostbackParams(t *testing.T) {
	var c redtrack.Conversion
	c.PSub[0], c.PSub[1], c.PSub[2], c.PSub[6] = "evt-1", "90210", "R1", "x"
	got := c.PostbackParams(redtrack.ClickBankPostbackParams())
	if fmt.Sprint(got) != "map[eventid:evt-1 order_id:R1 p_sub7:x zip:90210]" {
		t.Errorf("RedTrack row: %v", got)
	}
	c.CBSim = &redtrack.ConversionCBSim{Params: map[string]string{"src": "fb", "zip": "00000"}}
	got = c.PostbackParams([]string{"eventid", "zip"})
	if fmt.Sprint(got) != "map[eventid:evt-1 p_sub3:R1 p_sub7:x src:fb zip:90210]" {
		t.Errorf("reference row: %v (a slot wins over cbsim.params)", got)
	}
}

func TestTimeout(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, api+"/conversions", func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Conversions(ctx, redtrack.Query{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

// TestTracks reads a models.TrackView page with the date range sent.
func TestTracks(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, api+"/tracks", func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		if q.Get("clickid") != "c1" || q.Get("date_from") == "" || q.Get("date_to") == "" || q.Get("api_key") != "k1" || q.Has("type") {
			return jsonResponse(400, `{"error":"bad query `+req.URL.RawQuery+`"}`), nil
		}
		return jsonResponse(200, `{"items":[{"id":"c1","campaign":"camp","campaign_id":"cp","track_time":"2026-03-01T10:00:00Z",
			"sub1":"x","sub20":"y","is_ok":1,"uniq":1,"cost":0.5}],"total":1}`), nil
	})
	tracks, err := c.Tracks(context.Background(), redtrack.Query{ClickID: "c1", Type: "ignored"})
	if err != nil || len(tracks) != 1 || tracks[0].ID != "c1" || tracks[0].Sub[0] != "x" || tracks[0].Sub[19] != "y" || tracks[0].Campaign != "camp" {
		t.Errorf("Tracks = %+v, %v", tracks, err)
	}
}

func TestRejections(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, api+"/rejections", httpmock.NewStringResponder(200,
		`{"items":[{"created_at":"2026-03-01T10:00:00Z","query":"clickid=","param":"clickid","error":"missing click id","status":400}],"total":1}`))
	rej, err := c.Rejections(context.Background())
	if err != nil || len(rej) != 1 || rej[0].Param != "clickid" || rej[0].Status != 400 {
		t.Errorf("Rejections = %+v, %v", rej, err)
	}
}

// TestINSFields: a rejection's path and a conversion's cbsim.reversal, as
// the reference tracker reports an INS refusal and an INS refund.
func TestINSFields(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodGet, api+"/rejections", httpmock.NewStringResponder(200,
		`{"items":[{"created_at":"2026-03-01T10:00:00Z","path":"/ins","query":"transactionType=RFND&receipt=X&role=VENDOR&attemptCount=1","param":"receipt","error":"RFND of unknown receipt","status":404}],"total":1}`))
	mt.RegisterResponder(http.MethodGet, api+"/conversions", httpmock.NewStringResponder(200,
		`{"items":[{"id":"c1","type":"INS:SALE","status":"declined","payout":45.75,"cbsim":{"params":{},"updated_at":"2026-03-01T10:00:00Z","reversal":{"type":"RFND","amount":-45.75,"at":"2026-03-01T10:00:00Z"}}}],"total":1}`))
	rej, err := c.Rejections(context.Background())
	if err != nil || len(rej) != 1 || rej[0].Path != "/ins" || rej[0].Param != "receipt" {
		t.Errorf("Rejections = %+v, %v", rej, err)
	}
	convs, err := c.Conversions(context.Background(), redtrack.Query{})
	if err != nil || len(convs) != 1 || convs[0].CBSim == nil || convs[0].CBSim.Reversal == nil {
		t.Fatalf("Conversions = %+v, %v", convs, err)
	}
	if r := *convs[0].CBSim.Reversal; r.Type != "RFND" || r.Amount != -45.75 || r.At != "2026-03-01T10:00:00Z" {
		t.Errorf("reversal = %+v", r)
	}
}

func TestClick(t *testing.T) {
	c, mt := mockClient(t)
	c.TrackingURL = "https://trk.example.test/"
	mt.RegisterResponder(http.MethodGet, "https://trk.example.test/camp%201", func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		if q.Get("format") != "json" || q.Get("sub1") != "a b" || q.Has("api_key") {
			return jsonResponse(400, `{"error":"bad query `+req.URL.RawQuery+`"}`), nil
		}
		return jsonResponse(200, `{"clickid":"0123456789abcdef01234567"}`), nil
	})
	id, err := c.Click(context.Background(), "camp 1", url.Values{"sub1": {"a b"}})
	if err != nil || id != "0123456789abcdef01234567" {
		t.Errorf("Click = %q, %v", id, err)
	}
}

// campaignAPI mocks RedTrack's POST and GET /campaigns: models.Campaign
// bodies, an array of them for the list, 201 on creation.
type campaignAPI struct {
	mu     sync.Mutex // guards list, posts and refuse
	list   []map[string]any
	posts  int
	refuse string // a 400 api.Err message for every POST, if set
}

func (m *campaignAPI) register(mt *httpmock.MockTransport) {
	mt.RegisterResponder(http.MethodPost, api+"/campaigns", func(req *http.Request) (*http.Response, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.posts++
		if req.URL.Query().Get("api_key") != "k1" {
			return jsonResponse(401, `{"error":"api_key is required"}`), nil
		}
		if m.refuse != "" {
			return jsonResponse(400, `{"error":"`+m.refuse+`"}`), nil
		}
		var in map[string]any
		b, _ := io.ReadAll(req.Body)
		if err := json.Unmarshal(b, &in); err != nil || in["title"] == "" || req.Header.Get("Content-Type") != "application/json" {
			return jsonResponse(400, `{"error":"bad body"}`), nil
		}
		in["id"] = fmt.Sprintf("61f190c31cfe1c00018157%02d", len(m.list))
		in["status"] = 1
		m.list = append(m.list, in)
		out, _ := json.Marshal(in)
		return jsonResponse(201, string(out)), nil
	})
	mt.RegisterResponder(http.MethodGet, api+"/campaigns", func(req *http.Request) (*http.Response, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		q := req.URL.Query()
		if q.Get("api_key") != "k1" || q.Get("page") == "" || q.Get("per") == "" {
			return jsonResponse(400, `{"error":"bad query"}`), nil
		}
		out := []map[string]any{}
		if q.Get("page") == "1" {
			for _, c := range m.list {
				if strings.Contains(c["title"].(string), q.Get("title")) {
					out = append(out, c)
				}
			}
		}
		b, _ := json.Marshal(out)
		return jsonResponse(200, string(b)), nil
	})
}

func TestCampaigns(t *testing.T) {
	c, mt := mockClient(t)
	m := &campaignAPI{}
	m.register(mt)
	ctx := context.Background()
	cp, err := c.CreateCampaign(ctx, redtrack.Campaign{Title: "cbsim-affiliate", SourceID: "src1"})
	if err != nil || cp.ID == "" || cp.Title != "cbsim-affiliate" || cp.Status != 1 || cp.SourceID != "src1" || cp.OfferURL() != "" {
		t.Fatalf("CreateCampaign = %+v, %v", cp, err)
	}
	// EnsureCampaign finds an existing title (not one that only contains it)
	// and creates a missing one, with its offer URL for the reference tracker.
	again, err := c.EnsureCampaign(ctx, "cbsim-affiliate", "https://hop.example/?tid={clickid}")
	if err != nil || again.ID != cp.ID || m.posts != 1 {
		t.Fatalf("EnsureCampaign of an existing title = %+v, %v after %d POSTs", again, err, m.posts)
	}
	made, err := c.EnsureCampaign(ctx, "cbsim", "https://hop.example/?tid={clickid}")
	if err != nil || made.ID == cp.ID || made.OfferURL() != "https://hop.example/?tid={clickid}" || m.posts != 2 {
		t.Fatalf("EnsureCampaign of a new title = %+v, %v after %d POSTs", made, err, m.posts)
	}
	all, err := c.Campaigns(ctx, "")
	if err != nil || len(all) != 2 {
		t.Errorf("Campaigns = %+v, %v", all, err)
	}
	m.mu.Lock()
	m.refuse = "source_id is required"
	m.mu.Unlock()
	_, err = c.EnsureCampaign(ctx, "other", "https://hop.example/")
	if apiErr, ok := errors.AsType[*redtrack.APIError](err); !ok || apiErr.Status != 400 || !strings.Contains(err.Error(), "POST /campaigns: HTTP 400: source_id is required") {
		t.Errorf("refused creation: err = %v, want the 400 api.Err surfaced", err)
	}
}
