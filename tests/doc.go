// Package tests holds Runnel's end-to-end tests: sqllogictest files under slt/, run by TestSLT
// against a freshly started server each. See README.md in this directory.
package tests
