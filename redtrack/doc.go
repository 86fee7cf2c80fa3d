// Package redtrack is the harness's client of any RedTrack-shaped tracker:
// the subset of RedTrack's reporting API that cbsim's steps and demo assert
// on (conversions, tracks, clicks on campaign links) and, on cbsim's
// reference tracker only, the rejections log and campaign creation.
//
// It is not part of the reference tracker (package tracker) and shares no
// code with it: the two meet only over HTTP. The same Client works against
// real RedTrack (BaseURL "https://api.redtrack.io" plus an api key,
// TrackingURL the account's tracking domain) and against package tracker's
// server (both URLs the server's URL).
package redtrack
