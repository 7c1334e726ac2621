def test_it_shows_the_home_page_in_chinese(office_client, reference_data):
    response = office_client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "新型工业化推进平台" in page and "对标分析" in page


def test_it_shows_when_figures_were_last_updated(office_client, reference_data):
    from newind.indicators.models import ImportBatch

    ImportBatch.objects.create(file_name="prefectures_annual_2005_2016.csv", sha256="x")
    page = office_client.get("/").content.decode()
    assert "最近一次数据更新" in page and "prefectures_annual_2005_2016.csv" in page
