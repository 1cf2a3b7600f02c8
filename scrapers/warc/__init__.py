"""Web archives: pages read from WARC and ARC files recorded as a crawl records them."""
