"""What readers see: the server-rendered pages, their tables, filters and charts, and what a
shared cache may keep of them."""
