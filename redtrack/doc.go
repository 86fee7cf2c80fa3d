// Package redtrack is the harness's reader of RedTrack's API as its Swagger
// 2.0 description gives it (host api.redtrack.io; vendored as swagger.json in
// the public repository pijusz/mcp-redtrack): the conversions log (GET
// /conversions, rows of models.ConversionView), the clicks log (GET /tracks,
// models.TrackView), campaigns (POST and GET /campaigns, models.Campaign),
// and clicks on campaign links; plus, on cbsim's reference tracker only, the
// rejections log.
//
// What it sends: api_key as a query parameter of every call; date_from and
// date_to (YYYY-MM-DD) on every log request, which RedTrack requires (a Query
// without dates gets a window ending tomorrow, see Query and Window); page
// and per (at most MaxPerPage, 10000) while following pagination. What it
// decodes: every documented field with its documented type, so a row that
// breaks the Swagger (duplicate_status as a string, payout as a string) is
// an error that names the field; fields beyond the Swagger are ignored, but
// for the "cbsim" object that cbsim's reference tracker adds and documents as
// its own. Error replies (api.Err, {"error": "…"}) become an *APIError.
//
// It is not part of the reference tracker (package tracker) and shares no
// code with it: the two meet only over HTTP. The same Client works against
// real RedTrack (BaseURL "https://api.redtrack.io" plus an api key,
// TrackingURL the account's tracking domain) and against package tracker's
// server (both URLs the server's URL).
package redtrack
