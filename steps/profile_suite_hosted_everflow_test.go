package steps_test

import (
	"testing"

	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
)

// everflowEvents are the post-conversion events the fake Everflow's offers
// define, one per ClickBank conversion type, each advertiser event id the
// type's name (as the everflow profile's doc asks of a real network).
var everflowEvents = []faketracker.EverflowEvent{
	{AdvEventID: "OrderFormImpression", Name: "OrderFormImpression"},
	{AdvEventID: "InitialPurchase", Name: "InitialPurchase"},
	{AdvEventID: "UpsellPurchase", Name: "UpsellPurchase"},
}

// everflow starts a fake Everflow (broken as b), written from Everflow's
// public documentation, with an affiliate and a vendor offer, and binds
// the bundled everflow profile to it: the fake is both the tracking domain
// and the API.
func everflow(t *testing.T, b faketracker.Broken) *profile.Tracker {
	t.Helper()
	links := hopLinks("{transaction_id}")
	e, err := faketracker.NewEverflow(faketracker.EverflowOptions{NetworkID: "4711", APIKey: "ef-key", Broken: b,
		Offers: []faketracker.EverflowOffer{
			{Path: "2RCXGZ1/2HMS8L", OfferURL: links[profile.RoleAffiliate], Events: everflowEvents},
			{Path: "2RCXGZ1/3JQT9M", OfferURL: links[profile.RoleVendor], Events: everflowEvents},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return bindProfile(t, "everflow", profile.Config{TrackerURL: e.URL, APIURL: e.URL, APIKey: "ef-key", HTTPClient: e.Client(),
		Campaigns: map[string]string{profile.RoleAffiliate: "2RCXGZ1/2HMS8L", profile.RoleVendor: "2RCXGZ1/3JQT9M"},
		Set:       map[string]string{"network_id": "4711"}})
}
