using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LearningNavigator.Web.Auth;

/// <summary>Local sign-in accounts of the embedded default. Conversations live in the domain store, not here.</summary>
public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options) : IdentityDbContext<ApplicationUser>(options);
