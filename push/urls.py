from django.urls import path

from . import views

urlpatterns = [
    path("vapid-public-key/", views.VapidPublicKeyView.as_view(), name="api-push-vapid-key"),
    path("subscriptions/", views.SubscriptionCreateView.as_view(),
         name="api-push-subscriptions"),
    path("subscriptions/<uuid:device_id>/", views.SubscriptionDetailView.as_view(),
         name="api-push-subscription"),
    path("sms/delivery/<str:secret>/", views.SmsDeliveryView.as_view(),
         name="api-push-sms-delivery"),
]
