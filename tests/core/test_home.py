def test_it_shows_the_home_page_in_chinese(office_client, reference_data):
    response = office_client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "新型工业化推进平台" in page and "对标分析" in page
