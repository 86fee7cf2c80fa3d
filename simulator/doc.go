// Package simulator is the mock ClickBank: a catalog of vendors, affiliates,
// products and funnels; journeys that walk a buyer through hoplink, order form,
// purchase and upsells and yield events; integrations that turn events into
// postback URLs; a dispatcher that sends them over real HTTP; and a journal of
// every attempt.
//
// Pure computations live in leaf packages: macro (catalog and expansion),
// money (cents and ClickBank's split), ids (receipts, click ids, TID rules).
package simulator
