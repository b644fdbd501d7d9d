"""Relief rounds and distributions, gifts and COVID-19 support."""
