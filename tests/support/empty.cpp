// Keeps the test-support library non-empty before any src/**/testing/ file exists.
