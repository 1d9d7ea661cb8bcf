// Package profiles holds device profiles: YAML data that tells the engine
// how a platform prompts, pages, escalates privileges, reports errors and
// is prepared at session open.
//
// Profiles are data checked at load: strict decoding, every regular
// expression compiled and tested against the sample strings the profile
// carries. The embedded defaults (linux, cisco_ios, junos) can be
// overridden or extended by files in a user directory; a broken user file
// is reported and skipped, never taking the defaults down with it.
//
// A loaded Set is immutable and safe for concurrent use. This package does
// no I/O beyond reading profile files; it never talks to a device.
package profiles
