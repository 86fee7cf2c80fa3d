// Package simulator is the mock ClickBank's domain: a catalog of vendors,
// affiliates, products and funnels; journeys that walk a buyer through the
// order form, the purchase and the upsells and yield events; integrations
// that turn events into postback URLs; a dispatcher that sends them over
// real HTTP; and a journal of every delivery. The domain facts it relies on
// are in docs/clickbank.md.
//
// One concept per file:
//
//	defaults.go     the defaults every caller starts from (vendor, affiliate, item, funnel, time)
//	catalog.go      the catalog, its fixture loader and Catalog.CheckProduct, the rules of a product
//	buyer.go        the simulated buyer and how missing details are drawn
//	tracking.go     the affiliate tracking parameters (data of the macro catalog)
//	walk.go         journeys: Catalog.Walk and the order they build
//	event.go        events and their macro values (Event.Values)
//	integration.go  integrations as ClickBank's Custom Postback/Pixel form has them
//	delivery.go     what one postback is: Build, BuildTest, Delivery and its attempts, its JSON form
//	dispatch.go     the Dispatcher that sends a delivery, with timeout, retries and no redirects followed by default
//	journal.go      the journal, a bounded ring with paging; only the Simulator writes it
//	insdelivery.go  INS delivery: INSSender POSTs envelopes to one or two INS URLs, 3 s timeout, 5 attempts 4 h apart (scaled)
//	insorder.go     Simulator.BuildINS and SendINS: INS notifications of an ad-hoc purchase, sent and journaled
//	insjourney.go   INSEndpoint and Simulator.RunAll/DeliverAll/PlanINS: a journey's purchases told by INS beside the postbacks
//	insafter.go     Simulator.Refund, Chargeback and Rebill against an earlier receipt, from the purchases remembered
//	note.go         typed notes (a dropped TID) that harnesses match by kind
//	fire.go         Simulator.Fire: one ad-hoc event, as `cbsim fire` and the control API ask
//	simulator.go    the Simulator: Run, Plan, Deliver, Send
//	errors.go       ParamError and NotFoundError, which callers name in their own terms
//	table.go        deliveries as a readable table
//
// Pure computations live in leaf packages: macro (the module's Role and
// EventType, the macro catalog, Values and Expand), money (cents and
// ClickBank's split), ids (receipts, click ids, TID rules), ins (INS
// payloads and their envelope). The JSON
// control API is package control, the integration linter package lint.
package simulator
