// Package scaffold writes a ready cbsim QA project, what `cbsim init DIR`
// makes: a starter feature in the step catalog's language, the ClickBank
// integrations and catalog files to edit (or integrations built from the
// postback URL already set up in ClickBank), a cbsim.yaml, CI recipes for
// GitHub Actions and GitLab CI, and a README.
//
// Render builds the project's files in memory (postback.go turns a pasted
// postback URL into an integration, guide.go holds the guide's own
// integrations, project.go renders the templates under template/);
// Project.Write puts them on disk and refuses to overwrite a file unless
// told to.
package scaffold
