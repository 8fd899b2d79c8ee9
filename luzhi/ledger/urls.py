from django.urls import path

from luzhi.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("board/", views.board_page, name="board"),
    path("board/pdf/", views.board_pdf, name="board-pdf"),
    path("monthly/", views.monthly_page, name="monthly"),
]
