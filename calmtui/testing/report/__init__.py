"""Reports of a test run: console lines, JSON, JUnit XML, Rasa's results YAML, GitHub Actions."""
