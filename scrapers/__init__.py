"""Everything between a news source and an ArticleExtracted event: sources, polite fetching,
text extraction, near-duplicates, and the crawl that ties them together."""
