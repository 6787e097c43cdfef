from django.urls import path

from settlements import api

urlpatterns = [
    path("settlements/", api.SettlementListView.as_view(), name="settlement-list"),
    path("settlements/<int:pk>/", api.SettlementDetailView.as_view(), name="settlement-detail"),
    path("settlements/<int:pk>/times/", api.SettlementTimesView.as_view(), name="settlement-times"),
    path(
        "settlements/<int:pk>/documents/",
        api.SettlementDocumentView.as_view(),
        name="settlement-documents",
    ),
    path(
        "settlements/<int:pk>/documents/<int:document_pk>/",
        api.SettlementDocumentDetailView.as_view(),
        name="settlement-document-detail",
    ),
    path(
        "settlements/<int:pk>/receipts/",
        api.SettlementReceiptsView.as_view(),
        name="settlement-receipts",
    ),
    path(
        "settlements/<int:pk>/submit/", api.SettlementSubmitView.as_view(), name="settlement-submit"
    ),
    path(
        "settlements/<int:pk>/receive/",
        api.SettlementReceiveView.as_view(),
        name="settlement-receive",
    ),
    path(
        "settlements/<int:pk>/stamp-again/",
        api.SettlementStampAgainView.as_view(),
        name="settlement-stamp-again",
    ),
    path(
        "settlements/<int:pk>/finish-review/",
        api.SettlementFinishReviewView.as_view(),
        name="settlement-finish-review",
    ),
    path(
        "settlements/<int:pk>/return/", api.SettlementReturnView.as_view(), name="settlement-return"
    ),
    path(
        "settlements/<int:pk>/settle/", api.SettlementSettleView.as_view(), name="settlement-settle"
    ),
    path(
        "settlements/<int:pk>/record-balance/",
        api.SettlementRecordBalanceView.as_view(),
        name="settlement-record-balance",
    ),
    path("receipts/read/", api.ReceiptReadView.as_view(), name="receipt-read"),
    path(
        "settlements/<int:pk>/perdiem-lines/",
        api.SettlementPerDiemLinesView.as_view(),
        name="settlement-perdiem-lines",
    ),
    path("receipts/<int:pk>/", api.ReceiptView.as_view(), name="receipt-detail"),
    path("receipts/<int:pk>/review/", api.ReceiptReviewView.as_view(), name="receipt-review"),
    path(
        "receipts/<int:pk>/approve-exception/",
        api.ReceiptExceptionView.as_view(),
        name="receipt-approve-exception",
    ),
]
