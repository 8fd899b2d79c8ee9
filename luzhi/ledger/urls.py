from django.urls import path

from luzhi.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("plans/new/", views.plan_create_page, name="plan-create"),
    path("items/new/", views.item_form_page, name="item-create"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("items/<int:pk>/edit/", views.item_form_page, name="item-edit"),
    path("board/", views.board_page, name="board"),
    path("board/pdf/", views.board_pdf, name="board-pdf"),
    path("monthly/", views.monthly_page, name="monthly"),
]
