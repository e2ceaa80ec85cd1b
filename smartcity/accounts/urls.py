from django.urls import path

from smartcity.accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/invite/", views.InviteView.as_view(), name="invite"),
    path("people/invitations/", views.InvitationListView.as_view(), name="invitation-list"),
    path(
        "people/invitations/<int:pk>/resend/",
        views.InvitationActionView.as_view(),
        {"action": "resend"},
        name="invitation-resend",
    ),
    path(
        "people/invitations/<int:pk>/revoke/",
        views.InvitationActionView.as_view(),
        {"action": "revoke"},
        name="invitation-revoke",
    ),
    path("people/tokens/", views.TokenListView.as_view(), name="token-list"),
    path("people/security-log/", views.SecurityLogView.as_view(), name="security-log"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/role/", views.PersonRoleView.as_view(), name="person-role"),
    path("people/<int:pk>/regencies/", views.PersonRegenciesView.as_view(), name="person-regencies"),
    path(
        "people/<int:pk>/regencies/add/",
        views.PersonRegenciesView.as_view(),
        {"action": "add"},
        name="person-regency-add",
    ),
    path(
        "people/<int:pk>/regencies/<int:membership>/move/",
        views.PersonRegenciesView.as_view(),
        {"action": "move"},
        name="person-regency-move",
    ),
    path(
        "people/<int:pk>/regencies/<int:membership>/end/",
        views.PersonRegenciesView.as_view(),
        {"action": "end"},
        name="person-regency-end",
    ),
    path("people/<int:pk>/deactivate/", views.PersonDeactivateView.as_view(), name="person-deactivate"),
    path("people/<int:pk>/reactivate/", views.PersonReactivateView.as_view(), name="person-reactivate"),
    path("people/<int:pk>/lift-lockout/", views.PersonLiftLockoutView.as_view(), name="person-lift-lockout"),
    path("people/<int:pk>/two-factor/reset/", views.PersonTwoFactorResetView.as_view(), name="person-two-factor-reset"),
    path("accounts/two-factor/", two_factor_views.TwoFactorView.as_view(), name="two-factor"),
    path("accounts/two-factor/set-up/", two_factor_views.SetUpView.as_view(), name="two-factor-setup"),
    path("accounts/two-factor/verify/", two_factor_views.VerifyView.as_view(), name="two-factor-verify"),
    path("accounts/invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation"),
    path("accounts/profile/", views.ProfileView.as_view(), name="profile"),
    path("accounts/tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
    # Django's own views at django.contrib.auth.urls' addresses, which come after these and keep their names
    # (password_reset, password_change...): these add the bilingual email and the security log.
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("accounts/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("people/invite/bulk/", views.BulkInviteView.as_view(), name="invite-bulk"),
    path("people/invite/bulk/confirm/", views.BulkInviteConfirmView.as_view(), name="invite-bulk-confirm"),
    path("people/invite/bulk/template.csv", views.BulkInviteTemplateView.as_view(), name="invite-bulk-template"),
]
