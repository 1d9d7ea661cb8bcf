// Package profiles holds device profiles: YAML data that tells the engine
// how a platform prompts, pages, escalates privileges, reports errors and
// is prepared at session open.
//
// Profiles are data checked at load: strict decoding (unknown keys are
// errors), every regular expression compiled and tested against the sample
// strings the profile carries, and every problem reported as a *LoadError
// with file, line and field path. The embedded defaults (linux, cisco_ios,
// junos, frr, arista_eos, cisco_nxos, cisco_xr, vyos, mikrotik_routeros,
// cisco_asa, huawei_vrp, dell_os10, aruba_aoscx) can be overridden or
// extended by files in a user directory; a broken user file is reported
// and skipped, never taking the defaults down with it.
//
// Patterns in a loaded profile always have Regexp set. Prompts, pagers and
// input prompts are tail-anchored (they match only at the very end of the
// output); errors, login patterns, step cases, strip lines and hostname
// changes are line-anchored. Mode transitions and session preparation are
// written as expect steps whose secrets are references ({{enable_secret}})
// filled in by the expecter at send time; a profile never holds a secret.
//
// A loaded Set is immutable and safe for concurrent use; the profiles it
// returns are shared and read-only. This package does no I/O beyond
// reading profile files; it never talks to a device.
package profiles
