"""What readers see: the server-rendered pages, their tables, filters and charts, and the page cache."""
