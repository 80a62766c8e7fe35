"""Reading public pages in tests."""


def get_page(client, url: str, status: int = 200) -> str:
    """The page's HTML, after checking it answered with `status`."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()
